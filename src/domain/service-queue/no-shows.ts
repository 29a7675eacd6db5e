import type { ExpressionBuilder } from 'kysely';
import type { Db } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import { assertUnderLease, type UnderLease } from '../jobs/lease.js';
import { DEFAULT_SERVICE_SETTINGS } from '../service-ratings/settings.js';
import type { Clock } from '../shared/clock.js';
import { announceServiceChange } from '../dashboard/service-changes.js';
import { noShowDueSql } from './check-in-window.js';

/**
 * A booking a service record names was served: it is not a no-show, or the figures would count one
 * citizen as both. createRecord checks such a booking in; this holds for records made while it left
 * the booking booked. Index service_records_appointment_ix.
 */
const servedByNoRecord = (eb: ExpressionBuilder<Database, 'service_appointments'>) =>
  eb.not(eb.exists(eb.selectFrom('service_records as r').select('r.id').whereRef('r.appointment_id', '=', 'service_appointments.id')));

/** At most this many appointments are marked per round (the next round takes the rest). */
const BATCH = 2000;

/**
 * Marks as no-show every booked appointment nobody checked in whose session ended more than the
 * subdistrict's grace (service_settings.no_show_grace_minutes, 15 minutes by default) ago, or whose
 * day has ended: check-in-window.ts, the rule check-in applies.
 * Run by the job under its lease: the marks commit only while the lease is still ours. A check-in
 * racing the job wins or loses as a whole (both are conditional updates on status = 'booked'), and so
 * does a record naming the booking (record-booking.ts).
 */
export async function markNoShows(db: Db, clock: Clock, opts: { lease?: UnderLease } = {}): Promise<number> {
  const now = clock.now();
  const nowIso = now.toISOString();
  return db.transaction().execute(async (trx) => {
    await assertUnderLease(trx, clock, opts.lease);
    // Each subdistrict's grace applies in the query, before the batch's limit: a subdistrict with a
    // long grace never holds the batch while another's no-shows are due. Strictly after the grace: at
    // its last instant the window may still check the citizen in (end + grace < now).
    const own = (await trx.selectFrom('service_settings').select(['subdistrict_id', 'no_show_grace_minutes']).execute())
      .filter((s) => s.no_show_grace_minutes != null && Number(s.no_show_grace_minutes) !== DEFAULT_SERVICE_SETTINGS.noShowGraceMinutes);
    const marked = await trx
      .selectFrom('service_appointments')
      .select(['id', 'subdistrict_id', 'committee_id', 'point_id', 'slot_start_at'])
      .where('status', '=', 'booked')
      .where(servedByNoRecord)
      .where((eb) => eb.or([
        ...own.map((s) => eb.and([eb('subdistrict_id', '=', s.subdistrict_id), noShowDueSql(eb, now, s.no_show_grace_minutes)])),
        eb.and([
          ...(own.length ? [eb('subdistrict_id', 'not in', own.map((s) => s.subdistrict_id))] : []),
          noShowDueSql(eb, now, DEFAULT_SERVICE_SETTINGS.noShowGraceMinutes),
        ]),
      ]))
      .orderBy('slot_start_at')
      .limit(BATCH)
      .execute();
    const ids = marked.map((a) => a.id);
    let n = 0;
    for (let i = 0; i < ids.length; i += 500) {
      const res = await trx
        .updateTable('service_appointments')
        .set({ status: 'no_show', no_show_at: nowIso })
        .where('id', 'in', ids.slice(i, i + 500))
        .where('status', '=', 'booked')
        .where(servedByNoRecord)
        .executeTakeFirst();
      n += Number(res.numUpdatedRows);
    }
    const points = new Map(marked.map((a) => [a.point_id, a]));
    for (const a of points.values()) await announceServiceChange(trx, { subdistrictId: a.subdistrict_id, committeeId: a.committee_id, pointId: a.point_id, kind: 'appointment' });
    return n;
  });
}
