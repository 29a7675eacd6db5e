import { regradeSitesWithCaseChanges } from '../domain/compliance/regrade-changed.js';
import type { JobDeps } from './index.js';
import { leasedPoller } from './poller.js';

export const INTERVAL_MS = 5 * 60_000;

/** Keeps compliance grades (and so inspection schedules) in step with case changes. */
export function siteGradesPoller(deps: JobDeps) {
  return leasedPoller(deps, 'site-grades', INTERVAL_MS, () => regradeSitesWithCaseChanges(deps.db, deps.clock));
}
