import { regradeSitesWithCaseChanges } from '../domain/compliance/regrade-changed.js';
import type { JobDeps } from './index.js';
import { createPoller, leaseFor } from './poller.js';

export const INTERVAL_MS = 5 * 60_000;

/** Keeps compliance grades (and so inspection schedules) in step with case changes. */
export function siteGradesPoller(deps: JobDeps) {
  return createPoller({
    name: 'site-grades',
    intervalMs: INTERVAL_MS,
    clock: deps.clock,
    logger: deps.logger,
    lease: leaseFor(deps),
    poll: () => regradeSitesWithCaseChanges(deps.db, deps.clock),
  });
}
