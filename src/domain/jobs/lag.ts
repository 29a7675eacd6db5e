import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { Clock } from '../shared/clock.js';
import { isRoundMarker } from './lease.js';

export const MISSED_CHECKINS_CURSOR_NAME = 'missed-checkins';

/**
 * How far behind each background job is, in seconds: the age of the oldest item that is due
 * and not yet processed (0 when nothing waits). For a metrics exporter (a gauge per job).
 * Jobs without a queue of their own count from their last successful round beyond its interval,
 * and one that never succeeded from when its lease was first taken (its first round): a job that
 * fails every round is the laggiest of all, never left out.
 */
export async function jobLagSeconds(db: Db, clock: Clock, intervalsMs: Record<string, number> = {}): Promise<Record<string, number>> {
  const now = clock.now();
  const nowMs = now.getTime();
  const nowIso = now.toISOString();
  const age = (iso: string | null | undefined) => (iso ? Math.max(0, (nowMs - new Date(iso).getTime()) / 1000) : 0);
  const out: Record<string, number> = {};

  const overdue = await db.selectFrom('cases').select('stage_due_at').where('stage_due_at', '<=', nowIso)
    .where('overdue_at', 'is', null).orderBy('stage_due_at').limit(1).executeTakeFirst();
  out['case-deadlines'] = age(overdue?.stage_due_at);

  const delivery = await db.selectFrom('webhook_deliveries').select('next_attempt_at').where('status', '=', 'pending')
    .where('next_attempt_at', '<=', nowIso).orderBy('next_attempt_at').limit(1).executeTakeFirst();
  out['webhook-deliveries'] = age(delivery?.next_attempt_at);

  const open311 = await db.selectFrom('open311_deliveries').select('next_attempt_at').where('status', '=', 'pending')
    .where('next_attempt_at', '<=', nowIso).orderBy('next_attempt_at').limit(1).executeTakeFirst();
  out['open311-webhooks'] = age(open311?.next_attempt_at);

  // The oldest case event not yet folded: per subdistrict, the first event past its rollup cursor.
  const unfolded = await db
    .selectFrom('chain_heads as h')
    .leftJoin('rollup_cursors as r', 'r.subdistrict_id', 'h.subdistrict_id')
    .innerJoin('case_events as e', (j) => j.onRef('e.subdistrict_id', '=', 'h.subdistrict_id').on(sql<boolean>`e.seq = coalesce(r.seq, 0) + 1`))
    .select((eb) => eb.fn.min('e.at').as('at'))
    .where(sql<boolean>`h.seq > coalesce(r.seq, 0)`)
    .executeTakeFirst();
  out['dashboard-rollups'] = age(unfolded?.at as string | null | undefined);

  const cursor = await db.selectFrom('patrol_job_cursors').select('cursor_at').where('name', '=', MISSED_CHECKINS_CURSOR_NAME).executeTakeFirst();
  out['missed-checkins'] = cursor ? Math.max(0, age(cursor.cursor_at) - (intervalsMs['missed-checkins'] ?? 60_000) / 1000) : 0;

  // The rest: time since the last successful round (else the first round), beyond the job's interval.
  const leases = await db.selectFrom('job_leases').select(['name', 'last_success_ms', 'first_taken_ms']).execute();
  for (const l of leases) {
    const since = l.last_success_ms ?? l.first_taken_ms;
    if (l.name in out || isRoundMarker(l.name) || since == null) continue;
    const interval = intervalsMs[l.name] ?? 0;
    out[l.name] = Math.max(0, (nowMs - Number(since) - interval) / 1000);
  }
  return out;
}
