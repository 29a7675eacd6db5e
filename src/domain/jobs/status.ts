import type { Db } from '../../db/index.js';
import type { Clock } from '../shared/clock.js';
import { jobLagSeconds } from './lag.js';
import { isRoundMarker } from './lease.js';

export interface JobStatus {
  name: string;
  /** age of the oldest due item not yet processed (0 = nothing waits) */
  lagSeconds: number | null;
  lastSuccessAt: string | null;
  /** whether some instance holds the job's lease now */
  running: boolean;
}

/** Each job's state for the console's operations page: its lag and last successful round. */
export async function jobStatuses(db: Db, clock: Clock, names: string[]): Promise<JobStatus[]> {
  const [leases, lag] = await Promise.all([db.selectFrom('job_leases').selectAll().execute(), jobLagSeconds(db, clock)]);
  const now = clock.now().getTime();
  const all = [...new Set([...names, ...leases.map((l) => l.name).filter((n) => !isRoundMarker(n))])].sort();
  return all.map((name) => {
    const lease = leases.find((l) => l.name === name);
    return {
      name,
      lagSeconds: lag[name] ?? null,
      lastSuccessAt: lease?.last_success_ms ? new Date(Number(lease.last_success_ms)).toISOString() : null,
      running: !!lease && Number(lease.expires_ms) > now,
    };
  });
}
