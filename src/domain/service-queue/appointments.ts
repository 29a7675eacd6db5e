import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import { type Db, isPostgres } from '../../db/index.js';
import { BOOKINGS_ALL, bookingsOfPoint, bookingsOfSubdistrict, lockBookings } from './office-cancel.js';
import { prepared, preparedInsert } from '../../db/prepared.js';
import type { AppointmentStatus, ServiceAppointmentTable } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { assertSeesCommittee } from '../auth/scope.js';
import { frontOfficeCondition, seesFrontOfficeRowKnown } from '../service-network/window-points.js';
import { addDays, shanghaiDate } from '../calendar/office-hours.js';
import { parseInput } from '../cases/case-input.js';
import { hashToken, newToken } from '../service-records/records.js';
import { assertServesAtKnown } from '../service-records/point-access.js';
import { maskName, maskPhone } from '../service-records/masking.js';
import { checkInOpen } from './check-in-window.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, invalidField, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { pageLimit, readKeysetPage } from '../shared/keyset-page.js';
import { BookingInput } from './queue-input.js';
import { BOOKING_HORIZON_DAYS, assertBookable, loadBookablePoint, pointSessions, sessionsOn, slotInstant } from './slots.js';
import { issueTicket, ticketDto } from './tickets.js';
import { loadOverrides } from '../calendar/working-days.js';
import { announceServiceChange } from '../dashboard/service-changes.js';

/** Booking codes avoid letters and digits people confuse (0/O, 1/I). */
export const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const CODE_LENGTH = 8;
export const newBookingCode = () => Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
/** Where bookings draw their codes from (a test makes them collide by replacing `draw`, and puts it back). */
export const bookingCodes = { draw: newBookingCode };

/** The item's name (its latest guide version's). */
const itemNames = prepared((db: Db, itemId: string) =>
  db.selectFrom('service_item_versions').select(['name_zh', 'name_en']).where('item_id', '=', itemId).orderBy('version', 'desc').limit(1),
);
/**
 * What the citizen's link shows: the booking, name and phone masked, with the point's name and
 * address and the item's names (read here unless given).
 */
async function publicView(
  db: Db, a: ServiceAppointmentTable, now: Date,
  known: { point: { name: string; address: string | null }; item?: { name_zh: string | null; name_en: string | null } },
) {
  const point = known.point;
  const item = known.item ?? (await itemNames.first(db, a.item_id));
  return {
    code: a.code, status: a.status, pointId: a.point_id, pointName: point.name, address: point.address, itemId: a.item_id,
    itemName: item?.name_zh ?? null, itemNameEn: item?.name_en ?? null, day: a.day, starts: a.starts, ends: a.ends, slotStartAt: a.slot_start_at,
    name: maskName(a.name), phone: maskPhone(a.phone), cancellable: a.status === 'booked' && now.toISOString() < a.slot_start_at,
    // Who cancelled (the citizen by the link, or the office) and, for the office, why.
    cancelledBy: a.status !== 'cancelled' ? null : a.cancel_reason ? ('office' as const) : ('citizen' as const), cancelReason: a.cancel_reason ?? null,
  };
}

/** Inserts a booking unless its code is taken (no row comes back then: draw another code). */
const insertAppointment = preparedInsert('service_appointments', { doNothingOn: ['code'], returning: 'id' });
/** How many codes a booking draws before giving up (32⁸ codes: a second draw is already rare). */
const CODE_DRAWS = 5;

const activeBookingQuery = (db: Db, pointId: string, day: string, phone: string) =>
  db.selectFrom('service_appointments').select('id').where('point_id', '=', pointId).where('day', '=', day).where('phone', '=', phone).where('status', '=', 'booked');
export const activeBookingOf = prepared(activeBookingQuery);

/**
 * What a booking reads once its locks are held, in one statement: the phone's live booking at the
 * point that day (if any) and the item's names (its latest guide version's) for the answer.
 */
const bookingChecks = prepared((db: Db, pointId: string, day: string, phone: string, itemId: string) =>
  db.selectNoFrom((eb) => [
    activeBookingQuery(db, pointId, day, phone).limit(1).as('mine'),
    eb.selectFrom('service_item_versions as v').select('v.name_zh').where('v.item_id', '=', itemId).orderBy('v.version', 'desc').limit(1).as('item_name_zh'),
    eb.selectFrom('service_item_versions as v').select('v.name_en').where('v.item_id', '=', itemId).orderBy('v.version', 'desc').limit(1).as('item_name_en'),
  ]),
);

/**
 * Takes a place in a session: the slot's counter is created at 1 or raised by one while below the
 * capacity, in one conditional upsert; no row comes back when the session is full. Atomic on both
 * engines (PostgreSQL locks the conflicting row and re-checks the condition on its latest version;
 * SQLite serialises writers), so concurrent bookings never pass the capacity. Capacity ≥ 1.
 */
const takePlace = prepared((db: Db, pointId: string, day: string, starts: string, capacity: number) =>
  db
    .insertInto('service_slot_bookings')
    .values({ point_id: pointId, day, starts, booked: 1 })
    .onConflict((oc) =>
      oc
        .columns(['point_id', 'day', 'starts'])
        .doUpdateSet((eb) => ({ booked: eb('service_slot_bookings.booked', '+', 1) }))
        .where('service_slot_bookings.booked', '<', capacity),
    )
    .returning('booked'),
);

/** An appointment as window staff see it: the name (to greet), the phone masked. */
export const appointmentDto = (a: ServiceAppointmentTable) => ({
  id: a.id, code: a.code, pointId: a.point_id, itemId: a.item_id, day: a.day, starts: a.starts, ends: a.ends, slotStartAt: a.slot_start_at,
  name: a.name, phone: maskPhone(a.phone), status: a.status, bookedAt: a.booked_at, cancelledAt: a.cancelled_at, checkedInAt: a.checked_in_at,
  noShowAt: a.no_show_at, ticketId: a.ticket_id, cancelReason: a.cancel_reason ?? null,
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
  // In turn with a holiday, a closure or a new week being entered (office-cancel.ts).
  await lockBookings(db, [BOOKINGS_ALL, bookingsOfPoint(input.pointId)], 'shared');
  const point = await loadBookablePoint(db, input.pointId, input.itemId);
  // The subdistrict's shared lock (as lockBookings takes it) and, in the same round trip, the lock
  // of this phone, point and day (see the check below); in this order.
  if (isPostgres(db)) {
    await sql`select pg_advisory_xact_lock_shared(hashtext(${bookingsOfSubdistrict(point.subdistrict_id)})), pg_advisory_xact_lock(hashtext(${`booking:${point.id}:${input.day}:${input.phone}`}))`.execute(db);
  }
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
  // One booking per phone, point and day: on PostgreSQL two bookings with one phone at once would
  // both pass the check below (read committed), so they queue on the lock of that phone, point and
  // day taken above until the first commits (SQLite runs one writer at a time).
  const checks = (await bookingChecks.first(db, point.id, input.day, input.phone, input.itemId))!;
  if (checks.mine) throw new DomainError('duplicate', 'phone: already booked at this point on this day', { fields: [{ field: 'phone', reason: 'already booked at this point on this day' }] });

  const taken = await takePlace.first(db, point.id, input.day, session.starts, session.capacity);
  if (!taken) {
    throw new DomainError('conflict', 'starts: the session is fully booked', { fields: [{ field: 'starts', reason: 'the session is fully booked' }] });
  }
  const token = newToken();
  let row: ServiceAppointmentTable = {
    id: newId(), code: bookingCodes.draw(), token_hash: hashToken(token), subdistrict_id: point.subdistrict_id, committee_id: point.committee_id,
    point_id: point.id, item_id: input.itemId, day: input.day, starts: session.starts, ends: session.ends, slot_start_at: startAt.toISOString(),
    name: input.name, phone: input.phone, status: 'booked', booked_at: now.toISOString(), cancelled_at: null, checked_in_at: null, checked_in_by: null,
    no_show_at: null, ticket_id: null,
  };
  // A code already in use is drawn again (the unique index refuses it; nothing else conflicts).
  for (let draw = 1; (await insertAppointment.run(db, row)).rows.length === 0; draw++) {
    if (draw >= CODE_DRAWS) throw new DomainError('conflict', 'No free booking code was drawn; try again');
    row = { ...row, code: bookingCodes.draw() };
  }
  await announceServiceChange(db, { subdistrictId: row.subdistrict_id, committeeId: row.committee_id, pointId: row.point_id, kind: 'appointment' });
  const item = { name_zh: checks.item_name_zh, name_en: checks.item_name_en };
  return { appointment: await publicView(db, row, now, { point, item }), token };
}

/** A booking by its link, with its point's name and address and its item's names (publicView's): one statement. */
const appointmentByTokenHash = prepared((db: Db, tokenHash: string) =>
  db
    .selectFrom('service_appointments as a')
    .leftJoin('service_points as p', 'p.id', 'a.point_id')
    .selectAll('a')
    .select(['p.name as point_name', 'p.address as point_address'])
    .select((eb) => [
      eb.selectFrom('service_item_versions as v').select('v.name_zh').whereRef('v.item_id', '=', 'a.item_id').orderBy('v.version', 'desc').limit(1).as('item_name_zh'),
      eb.selectFrom('service_item_versions as v').select('v.name_en').whereRef('v.item_id', '=', 'a.item_id').orderBy('v.version', 'desc').limit(1).as('item_name_en'),
    ])
    .where('a.token_hash', '=', tokenHash),
);

/** The booking of a link, and what its public view shows of its point and item. */
async function byToken(db: Db, token: string) {
  const row = await appointmentByTokenHash.first(db, hashToken(token));
  if (!row) throw notFound('Appointment');
  const { point_name, point_address, item_name_zh, item_name_en, ...a } = row;
  if (point_name === null) throw notFound('Service point');
  return { a, known: { point: { name: point_name, address: point_address }, item: { name_zh: item_name_zh, name_en: item_name_en } } };
}

export async function viewAppointment(db: Db, clock: Clock, token: string) {
  const { a, known } = await byToken(db, token);
  return publicView(db, a, clock.now(), known);
}

const cancelUpdate = prepared((db: Db, at: string, id: string) =>
  db.updateTable('service_appointments').set({ status: 'cancelled', cancelled_at: at }).where('id', '=', id).where('status', '=', 'booked'),
);
const givePlaceBack = prepared((db: Db, pointId: string, day: string, starts: string) =>
  db.updateTable('service_slot_bookings').set({ booked: sql`booked - 1` }).where('point_id', '=', pointId).where('day', '=', day).where('starts', '=', starts).where('booked', '>', 0),
);

/** The citizen cancels by the link, before the slot starts; the place returns to the session. */
export async function cancelAppointment(db: Db, clock: Clock, token: string) {
  const { a, known } = await byToken(db, token);
  const now = clock.now();
  if (a.status !== 'booked') throw new DomainError('transition_not_allowed', `cancel: the appointment is ${a.status}`, { action: 'cancel', status: a.status });
  if (now.toISOString() >= a.slot_start_at) throw new DomainError('transition_not_allowed', 'cancel: the session has begun', { action: 'cancel', status: a.status });
  const res = await cancelUpdate.run(db, now.toISOString(), a.id);
  if (Number(res.numAffectedRows) !== 1) throw new DomainError('conflict', 'cancel: the appointment was changed meanwhile; reload it');
  await givePlaceBack.run(db, a.point_id, a.day, a.starts);
  await announceServiceChange(db, { subdistrictId: a.subdistrict_id, committeeId: a.committee_id, pointId: a.point_id, kind: 'appointment' });
  return publicView(db, { ...a, status: 'cancelled', cancelled_at: now.toISOString() }, now, known);
}

export interface AppointmentFilter {
  pointId?: string;
  day?: string;
  status?: AppointmentStatus;
  code?: string;
}

export const APPOINTMENTS_PAGE_DEFAULT = 1000;
export const APPOINTMENTS_PAGE_MAX = 2000;

/**
 * Appointments of a day (default today) in the actor's scope (window staff: at their points), in
 * slot order and, within a slot, booking order; in pages (`after` → `nextCursor`).
 */
export async function listAppointments(db: Db, clock: Clock, actor: Actor, f: AppointmentFilter = {}, page: { after?: string; limit?: number } = {}) {
  assertCan(actor, 'services.records.read');
  const limit = pageLimit(page.limit, APPOINTMENTS_PAGE_DEFAULT, APPOINTMENTS_PAGE_MAX);
  let q = db
    .selectFrom('service_appointments')
    .selectAll()
    .where(frontOfficeCondition(actor, { subdistrict: 'service_appointments.subdistrict_id', committee: 'service_appointments.committee_id', point: 'service_appointments.point_id' }));
  if (f.code) q = q.where('code', '=', f.code.toUpperCase());
  else q = q.where('day', '=', f.day ?? shanghaiDate(clock.now()));
  if (f.pointId) q = q.where('point_id', '=', f.pointId);
  if (f.status) q = q.where('status', '=', f.status);
  const { page: shown, nextCursor } = await readKeysetPage(
    q, { keys: ['slot_start_at', 'booked_at', 'id'], kinds: ['string', 'string', 'string'], order: 'asc' }, { after: page.after, limit }, (r) => [r.slot_start_at, r.booked_at, r.id],
  );
  return { items: shown.map(appointmentDto), nextCursor };
}

/**
 * The window checks a booked citizen in, on the day, until the no-show grace after the session's
 * end has passed (check-in-window.ts: the booking is for the whole session); check-in issues the
 * queue ticket (which the order rule serves first once the slot has begun). The caller owns the
 * transaction.
 */
export async function checkIn(db: Db, clock: Clock, actor: Actor, id: string) {
  const row = await appointmentForCheckIn.first(db, id, actor.userId);
  if (!row) throw notFound('Appointment', id);
  const { on_staff, no_show_grace_minutes, ticket_prefix, point_status, point_staffed, offered, ...a } = row;
  assertSeesCommittee(actor, a.subdistrict_id, a.committee_id, 'Appointment');
  // Another point's booking, to window staff who read only their own points' bookings: as if it did not exist (not 403).
  if (!seesFrontOfficeRowKnown(actor, { subdistrictId: a.subdistrict_id, committeeId: a.committee_id }, Boolean(Number(on_staff)))) throw notFound('Appointment', id);
  const point = { id: a.point_id, subdistrict_id: a.subdistrict_id, committee_id: a.committee_id };
  assertServesAtKnown(actor, point, Boolean(Number(on_staff)), 'services.queue');
  const now = clock.now();
  const refuse = (why: string) => new DomainError('transition_not_allowed', `check_in: ${why}`, { action: 'check_in', status: a.status });
  if (a.status !== 'booked') throw refuse(`the appointment is ${a.status}`);
  if (a.day !== shanghaiDate(now)) throw refuse(`the appointment is for ${a.day}`);
  // The point still takes tickets for the item, as for a walk-in.
  assertBookable({ status: point_status, staffed: Number(point_staffed), offered: Boolean(Number(offered)) });
  if (!checkInOpen(now, a, no_show_grace_minutes)) throw refuse('the grace period after the slot has passed');
  const ticket = await issueTicket(db, now, point, a.item_id, { userId: actor.userId, appointmentId: a.id, slotStartAt: a.slot_start_at }, ticket_prefix);
  const set = { status: 'checked_in' as const, checked_in_at: now.toISOString(), checked_in_by: actor.userId, ticket_id: ticket.id };
  const res = await checkInUpdate.run(db, set.checked_in_at, set.checked_in_by, set.ticket_id, a.id);
  if (Number(res.numAffectedRows) !== 1) throw new DomainError('conflict', 'check_in: the appointment was changed meanwhile; reload it');
  await announceServiceChange(db, { subdistrictId: a.subdistrict_id, committeeId: a.committee_id, pointId: a.point_id, kind: 'appointment' });
  // The row as written: the one read, under the conditional update that found it still booked.
  return { appointment: appointmentDto({ ...a, ...set }), ticket: ticketDto(ticket) };
}

/**
 * An appointment with what check-in needs besides: whether the user is on its point's staff, the
 * subdistrict's no-show grace (null: the default) and the item's ticket prefix. One statement.
 */
const appointmentForCheckIn = prepared((db: Db, id: string, userId: string) =>
  db
    .selectFrom('service_appointments as a')
    .innerJoin('service_points as p', 'p.id', 'a.point_id')
    .leftJoin('service_settings as st', 'st.subdistrict_id', 'a.subdistrict_id')
    .selectAll('a')
    .select(['st.no_show_grace_minutes', 'p.status as point_status', 'p.staffed as point_staffed'])
    .select((eb) => [
      eb.exists(eb.selectFrom('service_point_items as i').select('i.item_id').whereRef('i.point_id', '=', 'a.point_id').whereRef('i.item_id', '=', 'a.item_id')).as('offered'),
      eb.exists(eb.selectFrom('service_point_staff as s').select('s.user_id').whereRef('s.point_id', '=', 'a.point_id').where('s.user_id', '=', userId)).as('on_staff'),
      eb
        .selectFrom('service_items as i')
        .innerJoin('service_categories as c', 'c.id', 'i.category_id')
        .select('c.ticket_prefix')
        .whereRef('i.id', '=', 'a.item_id')
        .as('ticket_prefix'),
    ])
    .where('a.id', '=', id),
);

const checkInUpdate = prepared((db: Db, at: string, by: string, ticketId: string, id: string) =>
  db.updateTable('service_appointments').set({ status: 'checked_in', checked_in_at: at, checked_in_by: by, ticket_id: ticketId }).where('id', '=', id).where('status', '=', 'booked'),
);
