import type { FastifyRequest } from 'fastify';
import { DomainError } from '../domain/shared/errors.js';

/**
 * A fixed-window limit per client address for the public (no-account) 一网通办 endpoints:
 * booking, queue tickets and ratings. In memory per process; a proxy in front keeps the
 * address in X-Forwarded-For when trustProxy is set.
 */
export class PublicRateLimit {
  private windows = new Map<string, { start: number; count: number }>();
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  check(req: FastifyRequest, bucket: string) {
    const t = this.now();
    const key = `${bucket}:${req.ip}`;
    const w = this.windows.get(key);
    if (!w || t - w.start >= this.windowMs) {
      if (this.windows.size > 50_000) this.windows.clear();
      this.windows.set(key, { start: t, count: 1 });
      return;
    }
    w.count++;
    if (w.count > this.limit) {
      throw new DomainError('rate_limited', 'Too many requests from this address; try again in a minute', { retryAfterSeconds: Math.ceil((w.start + this.windowMs - t) / 1000) });
    }
  }
}

/** 30 public writes a minute per address: a family booking together passes, a script does not. */
export const publicWrites = new PublicRateLimit(30, 60_000);
/** Reads of the public point pages. */
export const publicReads = new PublicRateLimit(240, 60_000);
