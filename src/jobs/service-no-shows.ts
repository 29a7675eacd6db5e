import { markNoShows } from '../domain/service-queue/no-shows.js';
import type { JobDeps } from './index.js';
import { createPoller, leaseFor } from './poller.js';

export const INTERVAL_MS = 60_000;

/** Marks appointments nobody checked in for as no-show once the grace after their slot has passed. */
export function serviceNoShowsPoller(deps: JobDeps) {
  const poller = createPoller({
    name: 'service-no-shows',
    intervalMs: INTERVAL_MS,
    clock: deps.clock,
    logger: deps.logger,
    lease: leaseFor(deps),
    poll: (held) => markNoShows(deps.db, deps.clock, held ? { lease: { held, ttlMs: poller.leaseTtlMs! } } : {}),
  });
  return poller;
}
