import { announceNewlyOverdue } from '../domain/service-records/overdue-notices.js';
import type { JobDeps } from './index.js';
import { createPoller, leaseFor } from './poller.js';

/** Open dashboards see a record turn overdue within this interval. */
export const INTERVAL_MS = 15_000;

/** Tells open dashboards of service records whose promised limit has just passed (cursor in the database). */
export function serviceOverduePoller(deps: JobDeps) {
  const poller = createPoller({
    name: 'service-overdue',
    intervalMs: INTERVAL_MS,
    clock: deps.clock,
    logger: deps.logger,
    lease: leaseFor(deps),
    poll: (held) => announceNewlyOverdue(deps.db, deps.clock, held ? { lease: { held, ttlMs: poller.leaseTtlMs! } } : {}),
  });
  return poller;
}
