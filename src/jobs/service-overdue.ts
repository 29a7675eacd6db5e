import { announceNewlyOverdue } from '../domain/service-records/overdue-notices.js';
import type { JobDeps } from './index.js';
import { leasedPoller } from './poller.js';

/** Open dashboards see a record turn overdue within this interval. */
export const INTERVAL_MS = 15_000;

/** Tells open dashboards of service records whose promised limit has just passed (cursor in the database). */
export function serviceOverduePoller(deps: JobDeps) {
  return leasedPoller(deps, 'service-overdue', INTERVAL_MS, (o) => announceNewlyOverdue(deps.db, deps.clock, o));
}
