import { runEnforcementClocks } from '../domain/enforcement/clocks.js';
import type { JobDeps } from './index.js';
import { leasedPoller } from './poller.js';

export const INTERVAL_MS = 60_000;

/** Dispatches re-inspections when rectification deadlines pass, flags overdue fines, tells the team of penalty decisions to serve (state in the database). */
export function enforcementReinspectionsPoller(deps: JobDeps) {
  return leasedPoller(deps, 'enforcement-reinspections', INTERVAL_MS, () => runEnforcementClocks(deps.db, deps.clock));
}
