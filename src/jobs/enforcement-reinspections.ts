import { runEnforcementClocks } from '../domain/enforcement/clocks.js';
import type { JobDeps } from './index.js';
import { createPoller, leaseFor } from './poller.js';

export const INTERVAL_MS = 60_000;

/** Dispatches re-inspections when rectification deadlines pass and flags overdue fines (state in the database). */
export function enforcementReinspectionsPoller(deps: JobDeps) {
  return createPoller({
    name: 'enforcement-reinspections',
    intervalMs: INTERVAL_MS,
    clock: deps.clock,
    logger: deps.logger,
    lease: leaseFor(deps),
    poll: () => runEnforcementClocks(deps.db, deps.clock),
  });
}
