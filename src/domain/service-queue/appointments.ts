import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { AppointmentStatus, ServiceAppointmentTable } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { assertSeesCommittee, scopeCondition } from '../auth/scope.js';
import { addDays, shanghaiDate } from '../calendar/office-hours.js';
import { parseInput } from '../cases/case-input.js';
import { assertServesAt, hashToken, newToken } from '../service-records/records.js';
import { maskName, maskPhone } from '../service-records/masking.js';
import { serviceSettings } from '../service-ratings/settings.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, invalidField, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { BookingInput } from './queue-input.js';
import { BOOKING_HORIZON_DAYS, loadBookablePoint, pointSessions, sessionsOn, slotInstant } from './slots.js';
import { issueTicket, ticketDto } from './tickets.js';
import { loadOverrides } from '../calendar/working-days.js';
import { announceServiceChange } from '../dashboard/service-changes.js';

/** Booking codes avoid letters and digits people confuse (0/O, 1/I). */
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 8;
export const newBookingCode = () => Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');

const itemName = (db: Db, itemId: string) =>
  db.selectFrom('service_item_versions').select(['name_zh', 'name_en']).where('item_id', '=', itemId).orderBy('version', 'desc').limit(1).executeTakeFirst();

/** What the citizen's link shows: the booking, name and phone masked. */
async function publicView(db: Db, a: ServiceAppointmentTable, now: Date) {
  const [point, item] = await Promise.all([
    db.selectFrom('service_points').select(['name', 'address']).where('id', '=', a.point_id).executeTakeFirstOrThrow(),
    itemName(db, a.item_id),
  ]);
  return {
    code: a.code, status: a.status, pointId: a.point_id, pointName: point.name, address: point.address, itemId: a.item_id,
    itemName: item?.name_zh ?? null, itemNameEn: item?.name_en ?? null, day: a.day, starts: a.starts, ends: a.ends, slotStartAt: a.slot_start_at,
    name: maskName(a.name), phone: maskPhone(a.phone), cancellable: a.status === 'booked' && now.toISOString() < a.slot_start_at,
  };
}

/** An appointment as window staff see it: the name (to greet), the phone masked. */
export const appointmentDto = (a: ServiceAppointmentTable) => ({
  id: a.id, code: a.code, pointId: a.point_id, itemId: a.item_id, day: a.day, starts: a.starts, ends: a.ends, slotStartAt: a.slot_start_at,
  name: a.name, phone: maskPhone(a.phone), status: a.status, bookedAt: a.booked_at, cancelledAt: a.cancelled_at, checkedInAt: a.checked_in_at,
  noShowAt: a.no_show_at, ticketId: a.ticket_id,
});

/**
 * Books a slot for a citizen with no account. The rule: the day lies within the booking horizon,
 * the point offers the item and the session on that day (slots.ts sessionsOn), the slot has not
 * started, one phone holds one active booking per point and day, and the session's capacity is
 * never exceeded — the slot's counter is raised by a conditional update (booked < capacity), so
 * of any number of concurrent bookings exactly `capacity` succeed on either engine.
 * Returns the booking and, once, the token of the link that views or cancels it.
 * The caller owns the transaction.
 */
export async function bookAppointment(db: Db, clock: Clock, raw: BookingInput) {
  const input = parseInput(BookingInput, raw);
  const point = await loadBookablePoint(db, input.pointId, input.itemId);
  const now = clock.now();
  const today = shanghaiDate(now);
  const last = addDays(today, BOOKING_HORIZON_DAYS - 1);
  if (input.day < today) throw invalidField('day', 'the day has passed');
  if (input.day > last) throw invalidField('day', `bookings open ${BOOKING_HORIZON_DAYS} days ahead`);
  const sessions = sessionsOn(input.day, await pointSessions(db, point.id), await loadOverrides(db, input.day, input.day, point.subdistrict_id));
  const session = sessions.find((s) => s.starts === input.starts);
  if (!session) throw invalidField('starts', 'no session at this time on this day');
  if (session.capacity === 0) throw invalidField('starts', 'this session takes no bookings');
  const startAt = slotInstant(input.day, session.starts);
  if (startAt <= now) throw invalidField('starts', 'the session has begun');
  const mine = await db
    .selectFrom('service_appointments')
    .select('id')
    .where('point_id', '=', point.id)
    .where('day', '=', input.day)
    .where('phone', '=', input.phone)
    .where('status', '=', 'booked')
    .executeTakeFirst();
  if (mine) throw new DomainError('duplicate', 'phone: already booked at this point on this day', { fields: [{ field: 'phone', reason: 'already booked at this point on this day' }] });

  await db
    .insertInto('service_slot_bookings')
    .values({ point_id: point.id, day: input.day, starts: session.starts, booked: 0 })
    .onConflict((oc) => oc.columns(['point_id', 'day', 'starts']).doNothing())
    .execute();
  const taken = await db
    .updateTable('service_slot_bookings')
    .set({ booked: sql`booked + 1` })
    .where('point_id', '=', point.id)
    .where('day', '=', input.day)
    .where('starts', '=', session.starts)
    .where('booked', '<', session.capacity)
    .executeTakeFirst();
  if (Number(taken.numUpdatedRows) !== 1) {
    throw new DomainError('conflict', 'starts: the session is fully booked', { fields: [{ field: 'starts', reason: 'the session is fully booked' }] });
  }
  const token = newToken();
  const row: ServiceAppointmentTable = {
    id: newId(), code: newBookingCode(), token_hash: hashToken(token), subdistrict_id: point.subdistrict_id, committee_id: point.committee_id,
    point_id: point.id, item_id: input.itemId, day: input.day, starts: session.starts, ends: session.ends, slot_start_at: startAt.toISOString(),
    name: input.name, phone: input.phone, status: 'booked', booked_at: now.toISOString(), cancelled_at: null, checked_in_at: null, checked_in_by: null,
    no_show_at: null, ticket_id: null,
  };
  await db.insertInto('service_appointments').values(row).execute();
  await announceServiceChange(db, { subdistrictId: row.subdistrict_id, committeeId: row.committee_id, pointId: row.point_id, kind: 'appointment' });
  return { appointment: await publicView(db, row, now), token };
}

async function byToken(db: Db, token: string) {
  const a = await db.selectFrom('service_appointments').selectAll().where('token_hash', '=', hashToken(token)).executeTakeFirst();
  if (!a) throw notFound('Appointment');
  return a;
}

export async function viewAppointment(db: Db, clock: Clock, token: string) {
  return publicView(db, await byToken(db, token), clock.now());
}

/** The citizen cancels by the link, before the slot starts; the place returns to the session. */
export async function cancelAppointment(db: Db, clock: Clock, token: string) {
  const a = await byToken(db, token);
  const now = clock.now();
  if (a.status !== 'booked') throw new DomainError('transition_not_allowed', `cancel: the appointment is ${a.status}`, { action: 'cancel', status: a.status });
  if (now.toISOString() >= a.slot_start_at) throw new DomainError('transition_not_allowed', 'cancel: the session has begun', { action: 'cancel', status: a.status });
  const res = await db.updateTable('service_appointments').set({ status: 'cancelled', cancelled_at: now.toISOString() }).where('id', '=', a.id).where('status', '=', 'booked').executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) throw new DomainError('conflict', 'cancel: the appointment was changed meanwhile; reload it');
  await db
    .updateTable('service_slot_bookings')
    .set({ booked: sql`booked - 1` })
    .where('point_id', '=', a.point_id)
    .where('day', '=', a.day)
    .where('starts', '=', a.starts)
    .where('booked', '>', 0)
    .execute();
  await announceServiceChange(db, { subdistrictId: a.subdistrict_id, committeeId: a.committee_id, pointId: a.point_id, kind: 'appointment' });
  return publicView(db, { ...a, status: 'cancelled', cancelled_at: now.toISOString() }, now);
}

export interface AppointmentFilter {
  pointId?: string;
  day?: string;
  status?: AppointmentStatus;
  code?: string;
}

/** Appointments of a day (default today) in the actor's scope, in slot order. */
export async function listAppointments(db: Db, clock: Clock, actor: Actor, f: AppointmentFilter = {}) {
  assertCan(actor, 'services.records.read');
  let q = db
    .selectFrom('service_appointments')
    .selectAll()
    .where(scopeCondition(actor, 'service_appointments.subdistrict_id', 'service_appointments.committee_id'));
  if (f.code) q = q.where('code', '=', f.code.toUpperCase());
  else q = q.where('day', '=', f.day ?? shanghaiDate(clock.now()));
  if (f.pointId) q = q.where('point_id', '=', f.pointId);
  if (f.status) q = q.where('status', '=', f.status);
  const rows = await q.orderBy('slot_start_at').orderBy('booked_at').limit(2000).execute();
  return rows.map(appointmentDto);
}

/**
 * The window checks a booked citizen in, on the day, until the no-show grace after the slot's
 * start has passed; check-in issues the queue ticket (which the order rule serves first once the
 * slot has begun). The caller owns the transaction.
 */
export async function checkIn(db: Db, clock: Clock, actor: Actor, id: string) {
  const a = await db.selectFrom('service_appointments').selectAll().where('id', '=', id).executeTakeFirst();
  if (!a) throw notFound('Appointment', id);
  assertSeesCommittee(actor, a.subdistrict_id, a.committee_id, 'Appointment');
  const point = { id: a.point_id, subdistrict_id: a.subdistrict_id, committee_id: a.committee_id };
  await assertServesAt(db, actor, point, 'services.queue');
  const now = clock.now();
  const refuse = (why: string) => new DomainError('transition_not_allowed', `check_in: ${why}`, { action: 'check_in', status: a.status });
  if (a.status !== 'booked') throw refuse(`the appointment is ${a.status}`);
  if (a.day !== shanghaiDate(now)) throw refuse(`the appointment is for ${a.day}`);
  const { noShowGraceMinutes } = await serviceSettings(db, a.subdistrict_id);
  if (now.getTime() > Date.parse(a.slot_start_at) + noShowGraceMinutes * 60_000) throw refuse('the grace period after the slot has passed');
  const ticket = await issueTicket(db, now, point, a.item_id, { userId: actor.userId, appointmentId: a.id, slotStartAt: a.slot_start_at });
  const res = await db
    .updateTable('service_appointments')
    .set({ status: 'checked_in', checked_in_at: now.toISOString(), checked_in_by: actor.userId, ticket_id: ticket.id })
    .where('id', '=', a.id)
    .where('status', '=', 'booked')
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) throw new DomainError('conflict', 'check_in: the appointment was changed meanwhile; reload it');
  await announceServiceChange(db, { subdistrictId: a.subdistrict_id, committeeId: a.committee_id, pointId: a.point_id, kind: 'appointment' });
  const after = await db.selectFrom('service_appointments').selectAll().where('id', '=', a.id).executeTakeFirstOrThrow();
  return { appointment: appointmentDto(after), ticket: ticketDto(ticket) };
}
