import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { AppointmentCancelReason } from '../../db/schema.js';
import { shanghaiDate } from '../calendar/office-hours.js';
import { type OverrideMap, loadOverrides } from '../calendar/working-days.js';
import { announceServiceChange } from '../dashboard/service-changes.js';
import { pointSessions, sessionsOn } from './slots.js';

/**
 * Cancels, for the office, the bookings from today on that are no longer served: their point is
 * not built any more, their item is no longer offered at the point (`item_withdrawn`, whatever
 * `reason` says), or their day no longer offers their session (a holiday entered on it, the
 * session removed from the point's week). Each says why (`cancel_reason`, shown on the citizen's
 * link), gives its place back, and is never marked a no-show. Run in the transaction of the
 * change that caused it. `where` narrows the bookings looked at: one subdistrict (a subdistrict's
 * calendar), one point, some days. Answers how many were cancelled.
 */
export async function cancelUnservedBookings(
  db: Db,
  now: Date,
  where: { subdistrictId?: string; pointId?: string; days?: string[] },
  reason: AppointmentCancelReason,
): Promise<number> {
  if (where.days && where.days.length === 0) return 0;
  let q = db
    .selectFrom('service_appointments as a')
    .innerJoin('service_points as p', 'p.id', 'a.point_id')
    .select(['a.id', 'a.subdistrict_id', 'a.committee_id', 'a.point_id', 'a.day', 'a.starts', 'p.status as point_status'])
    .select((eb) =>
      eb.exists(eb.selectFrom('service_point_items as pi').select('pi.item_id').whereRef('pi.point_id', '=', 'a.point_id').whereRef('pi.item_id', '=', 'a.item_id')).as('offered'),
    )
    .where('a.status', '=', 'booked')
    .where('a.day', '>=', shanghaiDate(now));
  if (where.subdistrictId) q = q.where('a.subdistrict_id', '=', where.subdistrictId);
  if (where.pointId) q = q.where('a.point_id', '=', where.pointId);
  if (where.days) q = q.where('a.day', 'in', where.days);
  const booked = await q.orderBy('a.point_id').orderBy('a.day').execute();
  if (!booked.length) return 0;
  const from = booked.reduce((m, a) => (a.day < m ? a.day : m), booked[0]!.day);
  const to = booked.reduce((m, a) => (a.day > m ? a.day : m), booked[0]!.day);
  const calendars = new Map<string, OverrideMap>();
  const weeks = new Map<string, Awaited<ReturnType<typeof pointSessions>>>();
  const unserved: (typeof booked[number] & { reason: AppointmentCancelReason })[] = [];
  for (const a of booked) {
    if (a.point_status !== 'built') {
      unserved.push({ ...a, reason });
      continue;
    }
    if (!Number(a.offered)) {
      unserved.push({ ...a, reason: 'item_withdrawn' });
      continue;
    }
    let calendar = calendars.get(a.subdistrict_id);
    if (!calendar) calendars.set(a.subdistrict_id, (calendar = await loadOverrides(db, from, to, a.subdistrict_id)));
    let week = weeks.get(a.point_id);
    if (!week) weeks.set(a.point_id, (week = await pointSessions(db, a.point_id)));
    if (!sessionsOn(a.day, week, calendar).some((s) => s.starts === a.starts)) unserved.push({ ...a, reason });
  }
  const at = now.toISOString();
  let n = 0;
  for (const a of unserved) {
    const res = await db
      .updateTable('service_appointments')
      .set({ status: 'cancelled', cancelled_at: at, cancel_reason: a.reason })
      .where('id', '=', a.id)
      .where('status', '=', 'booked')
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) continue;
    n++;
    await db
      .updateTable('service_slot_bookings')
      .set({ booked: sql`booked - 1` })
      .where('point_id', '=', a.point_id)
      .where('day', '=', a.day)
      .where('starts', '=', a.starts)
      .where('booked', '>', 0)
      .execute();
  }
  const points = new Map(unserved.map((a) => [a.point_id, a]));
  for (const a of points.values()) await announceServiceChange(db, { subdistrictId: a.subdistrict_id, committeeId: a.committee_id, pointId: a.point_id, kind: 'appointment' });
  return n;
}
