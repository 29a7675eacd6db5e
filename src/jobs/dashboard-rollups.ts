import { foldPendingEvents } from '../domain/dashboard/fold-events.js';
import { hubFor } from '../domain/dashboard/hub.js';
import type { JobDeps } from './index.js';
import { leasedPoller } from './poller.js';

/**
 * Short on purpose: open dashboards hear of an event within one interval (+ the fold), and a round
 * with nothing new is one indexed query over chain heads.
 */
export const DASHBOARD_ROLLUP_INTERVAL_MS = 250;

/** Folds new case events into the dashboard rollups (durable cursor), then pushes them to open dashboards. */
export function dashboardRollupsPoller(deps: JobDeps) {
  return leasedPoller(deps, 'dashboard-rollups', DASHBOARD_ROLLUP_INTERVAL_MS, async () => {
    const failed: string[] = [];
    let first: unknown = null;
    const batches = await foldPendingEvents(deps.db, deps.clock, undefined, (sub, err) => {
      failed.push(sub);
      first ??= err;
    });
    hubFor(deps.db).publish(batches);
    // Reported after the others folded and were published; the failed subdistricts retry next round.
    if (failed.length) throw new Error(`rollups of ${failed.length} subdistrict(s) failed to fold (${failed.join(', ')}): ${first instanceof Error ? first.message : String(first)}`);
    return batches.reduce((n, b) => n + b.events.length, 0);
  });
}
