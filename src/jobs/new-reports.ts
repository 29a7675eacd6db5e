import { notifyNewReports } from '../domain/cases/new-report-notices.js';
import type { JobDeps } from './index.js';
import { leasedPoller } from './poller.js';

export const INTERVAL_MS = 30_000;

/** Tells the operators on duty, in their inbox, of the reports waiting to be filed (cursor in the database). */
export function newReportsPoller(deps: JobDeps) {
  return leasedPoller(deps, 'new-reports', INTERVAL_MS, (o) => notifyNewReports(deps.db, deps.clock, o));
}
