import { sql } from 'kysely';
import { type Db, isPostgres } from '../../db/index.js';
import type { AppointmentCancelReason } from '../../db/schema.js';
import { shanghaiDate } from '../calendar/office-hours.js';
import { type OverrideMap, loadOverrides } from '../calendar/working-days.js';
import { announceServiceChange } from '../dashboard/service-changes.js';
import { pointSessions, sessionsOn } from './slots.js';

/**
 * Bookings and the changes that cancel them take turns on PostgreSQL (SQLite runs one writer at a
 * time): a booking holds shared locks on the whole calendar, its point and its subdistrict while it
 * checks and writes; a change holds the exclusive lock of what it changes before it looks for the
 * bookings it leaves unserved. So a booking checked against the old calendar or week commits before
 * the change reads it (and is cancelled), and one made after waits and sees the change.
 */
export const BOOKINGS_ALL = 'bookings:all';
export const bookingsOfPoint = (pointId: string) => `bookings:point:${pointId}`;
export const bookingsOfSubdistrict = (subdistrictId: string) => `bookings:sub:${subdistrictId}`;

export async function lockBookings(db: Db, keys: string[], mode: 'shared' | 'exclusive'): Promise<void> {
  if (!isPostgres(db) || !keys.length) return;
  // One round trip; the locks are taken in the order given (a select list is evaluated left to right).
  const calls = keys.map((key) => (mode === 'shared' ? sql`pg_advisory_xact_lock_shared(hashtext(${key}))` : sql`pg_advisory_xact_lock(hashtext(${key}))`));
  await sql`select ${sql.join(calls)}`.execute(db);
}

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
  await lockBookings(db, [where.pointId ? bookingsOfPoint(where.pointId) : where.subdistrictId ? bookingsOfSubdistrict(where.subdistrictId) : BOOKINGS_ALL], 'exclusive');
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
  // Set-based: one update per reason and chunk, then one counter update per slot (a district-wide
  // holiday may cancel thousands of bookings in the change's transaction).
  const cancelled: { point_id: string; day: string; starts: string }[] = [];
  for (const r of [...new Set(unserved.map((a) => a.reason))]) {
    const ids = unserved.filter((a) => a.reason === r).map((a) => a.id);
    for (let i = 0; i < ids.length; i += 500) {
      cancelled.push(...(await db
        .updateTable('service_appointments')
        .set({ status: 'cancelled', cancelled_at: at, cancel_reason: r })
        .where('id', 'in', ids.slice(i, i + 500))
        .where('status', '=', 'booked')
        .returning(['point_id', 'day', 'starts'])
        .execute()));
    }
  }
  const perSlot = new Map<string, { point_id: string; day: string; starts: string; n: number }>();
  for (const a of cancelled) {
    const k = `${a.point_id}|${a.day}|${a.starts}`;
    const slot = perSlot.get(k) ?? { ...a, n: 0 };
    slot.n++;
    perSlot.set(k, slot);
  }
  for (const slot of perSlot.values()) {
    await db
      .updateTable('service_slot_bookings')
      .set({ booked: sql`case when booked > ${slot.n} then booked - ${slot.n} else 0 end` })
      .where('point_id', '=', slot.point_id)
      .where('day', '=', slot.day)
      .where('starts', '=', slot.starts)
      .execute();
  }
  const n = cancelled.length;
  const points = new Map(unserved.map((a) => [a.point_id, a]));
  for (const a of points.values()) await announceServiceChange(db, { subdistrictId: a.subdistrict_id, committeeId: a.committee_id, pointId: a.point_id, kind: 'appointment' });
  return n;
}
