import { sweepCaseDeadlines } from '../domain/cases/deadline-sweep.js';
import type { JobDeps } from './index.js';
import { leasedPoller } from './poller.js';

export const CASE_DEADLINES_INTERVAL_MS = 30_000;

/** Marks overdue cases, reminds assignees before deadlines, escalates to operators (state in columns). */
export function caseDeadlinesPoller(deps: JobDeps, intervalMs = CASE_DEADLINES_INTERVAL_MS) {
  return leasedPoller(deps, 'case-deadlines', intervalMs, () => sweepCaseDeadlines(deps.db, deps.clock, deps.logger));
}
