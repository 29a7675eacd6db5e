import { enforceLimit, MINUTE_MS } from '../../domain/rate-limits/client-limit.js';
import type { Deps } from '../deps.js';

/**
 * Per-minute budgets of the public endpoints (Open311 and the citizens' report page), counted in
 * the database so every instance of a deployment shares one budget per client
 * (src/domain/rate-limits/client-limit.ts). Over budget: 429 with Retry-After.
 */
export const RATE = {
  /** Anonymous Open311 reads, per client address (a key's own rate applies when a GET carries api_key). */
  publicGet: 600,
  /** Reports from the public page, per client address. */
  publicPost: 10,
  /** Reports from the public page, per jurisdiction in all: a flood from many addresses still stops. */
  publicPostPerJurisdiction: 600,
} as const;

/** Counts one request of `client` in `bucket` against `limit` a minute, across every instance. */
export function perMinute(deps: Pick<Deps, 'db' | 'clock'>, bucket: string, client: string, limit: number, who?: string): Promise<void> {
  return enforceLimit(deps.db, deps.clock, { bucket, limit, windowMs: MINUTE_MS }, client, who);
}
