import { DomainError } from '../../domain/shared/errors.js';

/**
 * Per-client request budgets over one-minute windows, kept in this process (each instance of a
 * city-wide deployment limits on its own; a client spread over n instances gets at most n times
 * its budget, which is acceptable for abuse control).
 */
export class RateLimiter {
  #windows = new Map<string, { start: number; count: number }>();
  constructor(private readonly windowMs = 60_000) {}

  /** Counts one request for `client`; throws rate_limited past `perWindow`. */
  take(client: string, perWindow: number, now = Date.now()): void {
    const w = this.#windows.get(client);
    if (!w || now - w.start >= this.windowMs) {
      if (this.#windows.size > 50_000) this.#prune(now);
      this.#windows.set(client, { start: now, count: 1 });
      return;
    }
    w.count++;
    if (w.count > perWindow) {
      const retryAfterS = Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000));
      throw new DomainError('rate_limited', `Too many requests from this client: at most ${perWindow} a minute; retry in ${retryAfterS} s`, { retryAfterS });
    }
  }

  #prune(now: number) {
    for (const [k, w] of this.#windows) if (now - w.start >= this.windowMs) this.#windows.delete(k);
  }
}

/** Budgets per minute. */
export const RATE = {
  /** Anonymous reads, per client address (a key's own rate applies when a GET carries api_key). */
  publicGet: 600,
  /** Reports from the public page, per client address. */
  publicPost: 10,
  /** Reports from the public page, per jurisdiction in all: a flood from many addresses still stops. */
  publicPostPerJurisdiction: 600,
} as const;
