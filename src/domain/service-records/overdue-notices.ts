import type { Db } from '../../db/index.js';
import { announceServiceChange } from '../dashboard/service-changes.js';
import { assertUnderLease, type UnderLease } from '../jobs/lease.js';
import { notify } from '../notifications/notify.js';
import type { Clock } from '../shared/clock.js';

export const SERVICE_OVERDUE_CURSOR = 'service-overdue';

/** The inbox notice of a record gone overdue (message key service_record_overdue). */
export const RECORD_OVERDUE_KIND = 'service_record_overdue';
/** One notice per record, ever: a round cut short and run again, or two instances at once, insert it once. */
export const recordOverdueDedupeKey = (recordId: string) => `${RECORD_OVERDUE_KIND}:${recordId}`;

/**
 * A record goes overdue by the clock, with no write of its own: this round (job `service-overdue`)
 * tells open dashboards of every point where an open record's due time passed in
 * (cursor, now], so the board's overdue count moves without a reload. The cursor moves in the same
 * transaction, under the job's lease; a first round starts from now (nothing to catch up: a
 * dashboard opened later reads the count itself). Returns the number of records that went overdue.
 *
 * Each record gone overdue also sends one inbox notice, in the same transaction, to whoever is
 * responsible: its clerk (受理人, the record's staff) and the point's leaders — the leaders who
 * oversee the point (the subdistrict's, and those scoped to the point's committee). Exactly once
 * per record: the notice's dedupe key is the record's, so a round run again after a crash before
 * its commit, or by a second instance that got past the lease, inserts nothing more.
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
      .innerJoin('service_points as p', 'p.id', 'r.point_id')
      .innerJoin('service_item_versions as v', 'v.id', 'r.item_version_id')
      .select(['r.id', 'r.number', 'r.subdistrict_id', 'r.committee_id', 'r.point_id', 'r.staff_id', 'r.due_at', 'p.name as point_name', 'p.committee_id as point_committee_id', 'v.name_zh', 'v.name_en'])
      .where('r.due_at', '>', cur.cursor_at)
      .where('r.due_at', '<=', now)
      .orderBy('r.due_at')
      .orderBy('r.id')
      .execute();
    const points = new Map<string, { subdistrictId: string; committeeId: string | null; pointId: string }>();
    for (const r of rows) points.set(r.point_id, { subdistrictId: r.subdistrict_id, committeeId: r.committee_id, pointId: r.point_id });
    for (const p of points.values()) await announceServiceChange(trx, { ...p, kind: 'record' });
    for (const r of rows) {
      await notify(trx, clock, {
        subdistrictId: r.subdistrict_id,
        recipients: { userIds: [r.staff_id], roles: ['leader'], committeeId: r.point_committee_id },
        kind: RECORD_OVERDUE_KIND,
        message: { key: 'service_record_overdue', params: { number: r.number, itemZh: r.name_zh, itemEn: r.name_en, point: r.point_name, dueAt: new Date(r.due_at).toISOString() } },
        dedupeKey: recordOverdueDedupeKey(r.id),
      });
    }
    await trx.updateTable('patrol_job_cursors').set({ cursor_at: now, updated_at: now }).where('name', '=', SERVICE_OVERDUE_CURSOR).execute();
    return rows.length;
  });
}
