import { notifyNewReports } from '../domain/cases/new-report-notices.js';
import type { JobDeps } from './index.js';
import { createPoller, leaseFor } from './poller.js';

export const INTERVAL_MS = 30_000;

/** Tells the operators on duty, in their inbox, of the reports waiting to be filed (cursor in the database). */
export function newReportsPoller(deps: JobDeps) {
  const poller = createPoller({
    name: 'new-reports',
    intervalMs: INTERVAL_MS,
    clock: deps.clock,
    logger: deps.logger,
    lease: leaseFor(deps),
    poll: (held) => notifyNewReports(deps.db, deps.clock, held ? { lease: { held, ttlMs: poller.leaseTtlMs! } } : {}),
  });
  return poller;
}
