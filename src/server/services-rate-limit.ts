import type { FastifyRequest } from 'fastify';
import type { Deps } from './deps.js';
import { perMinute } from './open311/rate-limit.js';

/**
 * Per-minute budgets of the public (no-account) 一网通办 endpoints, per client address, counted in
 * the database so every instance shares one budget per client (src/domain/rate-limits/client-limit.ts,
 * as Open311 and the report page). Over budget: 429 `rate_limited` with Retry-After. Each endpoint
 * has its own bucket: a family booking together passes, a script does not; reading a point's page
 * never uses up the budget for booking.
 */
export const SERVICES_RATE = {
  /** Bookings (POST /api/public/appointments). */
  book: 30,
  /** Cancellations by link. */
  cancel: 30,
  /** Ratings (好差评) and the rater's feedback on a 差评's follow-up, each. */
  rate: 30,
  /** Reads of a point's page, its item guides, its bookable slots, a booking and a rating link, each. */
  read: 240,
  /** Terminal heartbeats and fault reports: the terminals of a centre share one address; a heartbeat a minute each leaves room for hundreds. */
  terminal: 600,
} as const;

export type ServicesBucket = 'book' | 'cancel' | 'rate' | 'feedback' | 'point' | 'slots' | 'appointment' | 'rating' | 'terminal';

const LIMITS: Record<ServicesBucket, number> = {
  book: SERVICES_RATE.book,
  cancel: SERVICES_RATE.cancel,
  rate: SERVICES_RATE.rate,
  feedback: SERVICES_RATE.rate,
  point: SERVICES_RATE.read,
  slots: SERVICES_RATE.read,
  appointment: SERVICES_RATE.read,
  rating: SERVICES_RATE.read,
  terminal: SERVICES_RATE.terminal,
};

/** Counts one request of this client address in the bucket, across every instance (throws rate_limited over budget). */
export function servicesLimit(deps: Pick<Deps, 'db' | 'clock'>, req: FastifyRequest, bucket: ServicesBucket): Promise<void> {
  return perMinute(deps, `services.${bucket}`, req.ip, LIMITS[bucket], 'this address');
}
