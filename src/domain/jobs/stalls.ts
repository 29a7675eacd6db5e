import type { Db } from '../../db/index.js';
import { instantCompare } from '../../db/instants.js';
import type { Clock } from '../shared/clock.js';

/** Rows due longer than this and still not moved on mean their job makes no progress. */
export const STALL_GRACE_MS = 5 * 60_000;

export interface StalledJob {
  /** rows due for longer than the grace period and still not processed (capped at 1000) */
  dueRows: number;
  oldestDueAt: string;
}

/**
 * Jobs that make no progress on rows that are due, read from the rows themselves (so any
 * instance's /readyz sees them, whichever instance runs the job). Compared as instants.
 */
export async function stalledJobs(db: Db, clock: Clock): Promise<Record<string, StalledJob>> {
  const before = new Date(clock.now().getTime() - STALL_GRACE_MS).toISOString();
  const rows = await db
    .selectFrom('cases')
    .select('stage_due_at')
    .where(instantCompare(db, 'stage_due_at', '<=', before))
    .where('overdue_at', 'is', null)
    .orderBy('stage_due_at')
    .limit(1000)
    .execute();
  const out: Record<string, StalledJob> = {};
  if (rows.length) out['case-deadlines'] = { dueRows: rows.length, oldestDueAt: new Date(rows[0]!.stage_due_at as string).toISOString() };
  return out;
}
