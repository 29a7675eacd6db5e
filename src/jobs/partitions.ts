import { ensurePartitions } from '../domain/ops/partitions.js';
import type { JobDeps } from './index.js';
import { leasedPoller } from './poller.js';

export const INTERVAL_MS = 6 * 3600_000;

/** Creates the coming months' partitions of case_events and checkins (PostgreSQL; src/domain/ops/partitions.ts). */
export function partitionsPoller(deps: JobDeps) {
  return leasedPoller(deps, 'partitions', INTERVAL_MS, async () => {
    const r = await ensurePartitions(deps.db, deps.clock);
    if (r.created.length) deps.logger?.info?.({ job: 'partitions', created: r.created, moved: r.moved }, 'partitions created');
    return r.created.length;
  });
}
