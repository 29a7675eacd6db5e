import { detectMissedCheckins } from '../domain/checkins/missed.js';
import type { JobDeps } from './index.js';
import { createPoller, leaseFor } from './poller.js';

export const INTERVAL_MS = 60_000;

/** Records missed bin-room check-ins once each disposal window has ended (cursor in the database). */
export function missedCheckinsPoller(deps: JobDeps) {
  const poller = createPoller({
    name: 'missed-checkins',
    intervalMs: INTERVAL_MS,
    clock: deps.clock,
    logger: deps.logger,
    lease: leaseFor(deps),
    poll: (held) => detectMissedCheckins(deps.db, deps.clock, held ? { lease: { held, ttlMs: poller.leaseTtlMs! } } : {}),
  });
  return poller;
}
