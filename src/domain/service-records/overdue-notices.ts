import type { Db } from '../../db/index.js';
import { announceServiceChange } from '../dashboard/service-changes.js';
import { assertUnderLease, type UnderLease } from '../jobs/lease.js';
import type { Clock } from '../shared/clock.js';

export const SERVICE_OVERDUE_CURSOR = 'service-overdue';

/**
 * A record goes overdue by the clock, with no write of its own: this round (job `service-overdue`)
 * tells open dashboards of every point where an open record's due time passed in
 * (cursor, now], so the board's overdue count moves without a reload. The cursor moves in the same
 * transaction, under the job's lease; a first round starts from now (nothing to catch up: a
 * dashboard opened later reads the count itself). Returns the number of records that went overdue.
 */
export async function announceNewlyOverdue(db: Db, clock: Clock, opts: { lease?: UnderLease } = {}): Promise<number> {
  const now = clock.now().toISOString();
  return db.transaction().execute(async (trx) => {
    await assertUnderLease(trx, clock, opts.lease);
    const cur = await trx.selectFrom('patrol_job_cursors').select('cursor_at').where('name', '=', SERVICE_OVERDUE_CURSOR).executeTakeFirst();
    if (!cur) {
      await trx.insertInto('patrol_job_cursors').values({ name: SERVICE_OVERDUE_CURSOR, cursor_at: now, updated_at: now }).execute();
      return 0;
    }
    if (now <= cur.cursor_at) return 0;
    // Per subdistrict through (subdistrict_id, decided_at, due_at): open records only.
    const rows = await trx
      .selectFrom('subdistricts as s')
      .innerJoin('service_records as r', (j) => j.onRef('r.subdistrict_id', '=', 's.id').on('r.decided_at', 'is', null))
      .select(['r.subdistrict_id', 'r.committee_id', 'r.point_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('r.due_at', '>', cur.cursor_at)
      .where('r.due_at', '<=', now)
      .groupBy(['r.subdistrict_id', 'r.committee_id', 'r.point_id'])
      .execute();
    for (const r of rows) await announceServiceChange(trx, { subdistrictId: r.subdistrict_id, committeeId: r.committee_id, pointId: r.point_id, kind: 'record' });
    await trx.updateTable('patrol_job_cursors').set({ cursor_at: now, updated_at: now }).where('name', '=', SERVICE_OVERDUE_CURSOR).execute();
    return rows.reduce((s, r) => s + Number(r.n), 0);
  });
}
