import { sql } from 'kysely';
import { type Db, isUniqueViolation } from '../../db/index.js';
import { prepared, preparedFamily, preparedInsert } from '../../db/prepared.js';
import type { ServicePointTable, ServiceTicketTable, TicketStatus } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { assertSeesCommittee } from '../auth/scope.js';
import { frontOfficeCondition, seesFrontOfficeRowKnown } from '../service-network/window-points.js';
import { shanghaiDate } from '../calendar/office-hours.js';
import { parseInput } from '../cases/case-input.js';
import { assertServesAtKnown, pointAccess } from '../service-records/point-access.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, invalidField, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { afterPosition, keysetPage, pageLimit, readTupleCursor, tupleCursor } from '../shared/keyset-page.js';
import { CallNextInput, FinishInput, WalkInInput } from './queue-input.js';
import { assertBookable } from './slots.js';
import { announceServiceChange } from '../dashboard/service-changes.js';

export const ticketDto = (t: ServiceTicketTable) => ({
  id: t.id, pointId: t.point_id, itemId: t.item_id, day: t.day, seq: t.seq, number: t.number, prefix: t.prefix, source: t.source,
  appointmentId: t.appointment_id, slotStartAt: t.slot_start_at, status: t.status, issuedAt: t.issued_at, calledAt: t.called_at,
  calledBy: t.called_by, window: t.window, startedAt: t.started_at, finishedAt: t.finished_at, skippedAt: t.skipped_at, recalledAt: t.recalled_at ?? null, recordId: t.record_id,
  /** The item the ticket was taken for (itemId: the item served, once the window switched it). */
  issuedItemId: t.issued_item_id ?? t.item_id,
});
export type TicketDto = ReturnType<typeof ticketDto>;

/**
 * The ticket order rule. Among the waiting tickets of a point, the next one called is:
 *  1. a checked-in appointment whose slot has begun (slot start ≤ now), earliest slot first, then
 *     in order of issue — a booking keeps its time, but only once that time has come;
 *  2. otherwise every other ticket (walk-ins, and appointments checked in before their slot) in
 *     strict order of issue (the point's running number of the day).
 * No ticket is skipped over for any other reason; a window may restrict itself to some prefixes.
 */
export function queueRank(t: Pick<ServiceTicketTable, 'source' | 'slot_start_at' | 'seq'>, nowIso: string): [number, string, number] {
  const due = t.source === 'appointment' && t.slot_start_at !== null && t.slot_start_at <= nowIso;
  return due ? [0, t.slot_start_at!, t.seq] : [1, '', t.seq];
}

export function compareQueue(nowIso: string) {
  return (a: Pick<ServiceTicketTable, 'source' | 'slot_start_at' | 'seq'>, b: Pick<ServiceTicketTable, 'source' | 'slot_start_at' | 'seq'>) => {
    const [a0, a1, a2] = queueRank(a, nowIso);
    const [b0, b1, b2] = queueRank(b, nowIso);
    return a0 - b0 || (a1 < b1 ? -1 : a1 > b1 ? 1 : 0) || a2 - b2;
  };
}

const insertTicket = preparedInsert('service_tickets');

/**
 * Both counters a ticket takes, raised in one upsert: the point's running sequence of the day
 * (prefix '', which no category has: prefixes are 1–2 characters) and the prefix's own number.
 * The rows are locked in the same order by every issuer ('' first), as two statements did.
 */
const counters = prepared((db: Db, pointId: string, day: string, prefix: string) =>
  db
    .insertInto('service_ticket_counters')
    .values([{ point_id: pointId, day, prefix: '', last: 1 }, { point_id: pointId, day, prefix, last: 1 }])
    .onConflict((oc) => oc.columns(['point_id', 'day', 'prefix']).doUpdateSet({ last: sql`service_ticket_counters.last + 1` }))
    .returning(['prefix', 'last']),
);

/** The point's next running sequence of the day and the prefix's next number. */
async function bump(db: Db, pointId: string, day: string, prefix: string): Promise<{ seq: number; n: number }> {
  const rows = await counters.all(db, pointId, day, prefix);
  const last = (p: string) => Number(rows.find((r) => r.prefix === p)!.last);
  return { seq: last(''), n: last(prefix) };
}

/** The ticket prefix of an item's category (undefined: no such item). */
export const ticketPrefixOf = prepared((db: Db, itemId: string) =>
  db
    .selectFrom('service_items')
    .innerJoin('service_categories', 'service_categories.id', 'service_items.category_id')
    .select('service_categories.ticket_prefix')
    .where('service_items.id', '=', itemId),
);

/**
 * The number printed on a ticket: the prefix and the day's count, at least 3 digits (A001 … A1000).
 * A prefix ending in a digit or a dash (the catalogue allows any two characters) is set apart by a
 * dash (A1-001), so no two prefixes' numbers meet (A1 + 001 would be A's 1,001st ticket).
 */
export function ticketNumber(prefix: string, n: number): string {
  return `${prefix}${/[\d-]$/.test(prefix) ? '-' : ''}${String(n).padStart(3, '0')}`;
}

/**
 * Issues a ticket at a point for an item: the category's prefix and its next number of the day
 * (A001, A002, … B001), and the point's running sequence, which fixes the order of issue.
 * The caller owns the transaction.
 */
export async function issueTicket(
  db: Db,
  now: Date,
  point: Pick<ServicePointTable, 'id' | 'subdistrict_id' | 'committee_id'>,
  itemId: string,
  by: { userId: string | null; appointmentId?: string; slotStartAt?: string },
  /** The item's category prefix when the caller read it already (read here otherwise). */
  knownPrefix?: string | null,
): Promise<ServiceTicketTable> {
  const cat = knownPrefix != null ? { ticket_prefix: knownPrefix } : await ticketPrefixOf.first(db, itemId);
  if (!cat) throw invalidField('itemId', 'unknown item');
  const day = shanghaiDate(now);
  const { seq, n } = await bump(db, point.id, day, cat.ticket_prefix);
  const row: ServiceTicketTable = {
    id: newId(), subdistrict_id: point.subdistrict_id, committee_id: point.committee_id, point_id: point.id, item_id: itemId, day, seq,
    prefix: cat.ticket_prefix, number: ticketNumber(cat.ticket_prefix, n), source: by.appointmentId ? 'appointment' : 'walk_in',
    appointment_id: by.appointmentId ?? null, slot_start_at: by.slotStartAt ?? null, status: 'waiting', issued_at: now.toISOString(),
    issued_by: by.userId, called_at: null, called_by: null, window: null, started_at: null, finished_at: null, skipped_at: null, record_id: null, issued_item_id: null,
  };
  await insertTicket.run(db, row);
  await announceServiceChange(db, { subdistrictId: row.subdistrict_id, committeeId: row.committee_id, pointId: row.point_id, kind: 'ticket' });
  return row;
}

/** A walk-in takes a ticket at the window (the staff or the hall's ticket machine issues it). */
export async function issueWalkIn(db: Db, clock: Clock, actor: Actor, raw: WalkInInput) {
  const input = parseInput(WalkInInput, raw);
  // One read: the point, whether it offers the item, whether the actor is on its staff.
  const point = await pointAccess(db, input.pointId, input.itemId, actor.userId);
  if (!point) throw invalidField('pointId', 'unknown point');
  assertServesAtKnown(actor, point, point.onStaff, 'services.queue');
  assertBookable(point);
  return ticketDto(await issueTicket(db, clock.now(), point, input.itemId, { userId: actor.userId }, point.ticketPrefix));
}

async function pointFor(db: Db, actor: Actor, pointId: string, field = 'pointId') {
  const point = await pointAccess(db, pointId, null, actor.userId);
  if (!point) throw invalidField(field, 'unknown point');
  assertServesAtKnown(actor, point, point.onStaff, 'services.queue');
  return point;
}

/** How many times call-next retries when a concurrent caller took the ticket it chose. */
const CALL_RETRIES = 20;

/**
 * The first waiting ticket of a point and day by the order rule ({@link queueRank}), read from the
 * database as the rule's two orders, each an index range read with LIMIT 1 (a hall may have
 * hundreds waiting): a checked-in appointment whose slot has begun, earliest slot then issue;
 * otherwise the first ticket in order of issue.
 */
const firstDueQuery = (db: Db, pointId: string, day: string, nowIso: string) =>
  db
    .selectFrom('service_tickets')
    .select(['id', 'source', 'slot_start_at', 'seq'])
    .where('point_id', '=', pointId)
    .where('day', '=', day)
    .where('status', '=', 'waiting')
    .where('source', '=', 'appointment')
    .where('slot_start_at', 'is not', null)
    .where('slot_start_at', '<=', nowIso)
    .orderBy('slot_start_at')
    .orderBy('seq')
    .limit(1);
const firstIssuedQuery = (db: Db, pointId: string, day: string) =>
  db.selectFrom('service_tickets').select(['id', 'source', 'slot_start_at', 'seq']).where('point_id', '=', pointId).where('day', '=', day).where('status', '=', 'waiting').orderBy('seq').limit(1);

/** Both of the rule's reads in one statement: the due ticket if any, else the first issued (only its id: what call-next takes). */
const firstByRule = prepared((db: Db, pointId: string, day: string, nowIso: string) =>
  db.selectNoFrom((eb) =>
    eb.fn.coalesce(firstDueQuery(db, pointId, day, nowIso).clearSelect().select('id'), firstIssuedQuery(db, pointId, day).clearSelect().select('id')).as('id'),
  ),
);

async function firstWaiting(db: Db, pointId: string, day: string, nowIso: string, prefixes: string[] | undefined): Promise<{ id: string } | undefined> {
  if (!prefixes) {
    const next = await firstByRule.first(db, pointId, day, nowIso);
    return next?.id ? { id: next.id } : undefined;
  }
  const waiting = () => {
    let q = db.selectFrom('service_tickets').select(['id', 'source', 'slot_start_at', 'seq']).where('point_id', '=', pointId).where('day', '=', day).where('status', '=', 'waiting');
    if (prefixes) q = q.where('prefix', 'in', prefixes);
    return q;
  };
  const due = await waiting()
    .where('source', '=', 'appointment')
    .where('slot_start_at', 'is not', null)
    .where('slot_start_at', '<=', nowIso)
    .orderBy('slot_start_at')
    .orderBy('seq')
    .limit(1)
    .executeTakeFirst();
  return due ?? (await waiting().orderBy('seq').limit(1).executeTakeFirst());
}

/**
 * Calls the next ticket of the point by the order rule ({@link queueRank}). Two windows calling at
 * once never get the same ticket: the chosen ticket is taken with a conditional update (still
 * waiting), and a caller that lost the race chooses again. Answers null when nobody waits.
 */
export async function callNext(db: Db, clock: Clock, actor: Actor, raw: CallNextInput): Promise<TicketDto | null> {
  const input = parseInput(CallNextInput, raw);
  const point = await pointFor(db, actor, input.pointId);
  for (let attempt = 0; attempt < CALL_RETRIES; attempt++) {
    const now = clock.now();
    const nowIso = now.toISOString();
    const day = shanghaiDate(now);
    let called: ServiceTicketTable | undefined;
    if (attempt === 0 && !input.prefixes) {
      // First try: the rule's choice and the conditional take in one statement. Nothing taken
      // (nobody waits, or a concurrent caller took the chosen ticket): the next round tells which.
      called = await takeFirstByRule.first(db, nowIso, actor.userId, input.window ?? null, point.id, day);
    } else {
      const next = await firstWaiting(db, point.id, day, nowIso, input.prefixes);
      if (!next) return null;
      called = await takeCalled.first(db, nowIso, actor.userId, input.window ?? null, next.id);
    }
    if (called) {
      await announceServiceChange(db, { subdistrictId: point.subdistrict_id, committeeId: point.committee_id, pointId: point.id, kind: 'ticket' });
      return ticketDto(called);
    }
  }
  throw new DomainError('conflict', 'The queue is being called from many windows at once; try again');
}

/** The chosen ticket, taken only while it still waits. */
const takeCalled = prepared((db: Db, nowIso: string, userId: string, window: string | null, id: string) =>
  db.updateTable('service_tickets').set({ status: 'called', called_at: nowIso, called_by: userId, window }).where('id', '=', id).where('status', '=', 'waiting').returningAll(),
);

/** takeCalled of the ticket {@link firstByRule} chooses, in one statement. */
const takeFirstByRule = prepared((db: Db, nowIso: string, userId: string, window: string | null, pointId: string, day: string) =>
  db
    .updateTable('service_tickets')
    .set({ status: 'called', called_at: nowIso, called_by: userId, window })
    .where('id', '=', (eb) => eb.fn.coalesce(firstDueQuery(db, pointId, day, nowIso).clearSelect().select('id'), firstIssuedQuery(db, pointId, day).clearSelect().select('id')))
    .where('status', '=', 'waiting')
    .returningAll(),
);

/** A ticket and whether a user is on its point's staff: one statement. */
const ticketWithStaff = prepared((db: Db, id: string, userId: string) =>
  db
    .selectFrom('service_tickets as t')
    .selectAll('t')
    .select((eb) =>
      eb.exists(eb.selectFrom('service_point_staff as s').select('s.user_id').whereRef('s.point_id', '=', 't.point_id').where('s.user_id', '=', userId)).as('on_staff'),
    )
    .where('t.id', '=', id),
);

export async function loadTicket(db: Db, actor: Actor, id: string): Promise<ServiceTicketTable> {
  const row = await ticketWithStaff.first(db, id, actor.userId);
  if (!row) throw notFound('Ticket', id);
  const { on_staff, ...t } = row;
  assertSeesCommittee(actor, t.subdistrict_id, t.committee_id, 'Ticket');
  // Another point's ticket, to window staff who read only their own points' queue: as if it did not exist (not 403).
  if (!seesFrontOfficeRowKnown(actor, { subdistrictId: t.subdistrict_id, committeeId: t.committee_id }, Boolean(Number(on_staff)))) throw notFound('Ticket', id);
  assertServesAtKnown(actor, t, Boolean(Number(on_staff)), 'services.queue');
  return t;
}

/** A ticket's step as one conditional update on its status, built once per step. */
const stepUpdate = preparedFamily((step: TicketStep) => ({
  arity: 3,
  build: (db: Db, at: string, id: string, from: TicketStatus) =>
    db.updateTable('service_tickets').set({ status: STEPS[step].to, [STEPS[step].stamp]: at }).where('id', '=', id).where('status', '=', from),
}));
/** The same, naming the service record made for the ticket. */
const stepUpdateWithRecord = preparedFamily((step: TicketStep) => ({
  arity: 4,
  build: (db: Db, at: string, id: string, from: TicketStatus, recordId: string) =>
    db.updateTable('service_tickets').set({ status: STEPS[step].to, [STEPS[step].stamp]: at, record_id: recordId }).where('id', '=', id).where('status', '=', from),
}));

const STEPS = {
  start: { from: ['called'], to: 'serving', stamp: 'started_at' },
  finish: { from: ['serving'], to: 'done', stamp: 'finished_at' },
  skip: { from: ['called'], to: 'skipped', stamp: 'skipped_at' },
} as const satisfies Record<string, { from: readonly TicketStatus[]; to: TicketStatus; stamp: keyof ServiceTicketTable }>;
export type TicketStep = keyof typeof STEPS;

/**
 * A called ticket starts being served (or is skipped: nobody came to the window); a served one
 * finishes, optionally naming the service record (办件) made for it. Each step records its instant
 * and happens once (a conditional update on the status).
 */
export async function stepTicket(db: Db, clock: Clock, actor: Actor, id: string, step: TicketStep, raw: FinishInput = {}) {
  const input = parseInput(FinishInput, raw);
  const t = await loadTicket(db, actor, id);
  const rule = STEPS[step];
  if (!(rule.from as readonly string[]).includes(t.status)) {
    throw new DomainError('transition_not_allowed', `${step}: the ticket is ${t.status}`, { action: step, status: t.status });
  }
  const at = clock.now().toISOString();
  const set: Partial<ServiceTicketTable> = { status: rule.to, [rule.stamp]: at };
  if (input.recordId) {
    if (step !== 'finish') throw invalidField('recordId', 'a record is linked when the service finishes');
    const rec = await recordForFinish.first(db, input.recordId, t.id, t.appointment_id);
    if (!rec || rec.point_id !== t.point_id) throw invalidField('recordId', 'no such record at this point');
    if (rec.ticket_id && rec.ticket_id !== t.id) throw invalidField('recordId', 'the record belongs to another ticket');
    // The record is of the item served (a ticket switched at the window serves its new item): a record
    // of another item would count a service the figures cannot place (as createRecord refuses).
    if (rec.item_id !== t.item_id) throw invalidField('recordId', 'the record is for another item');
    if (rec.ticket_id !== t.id) {
      // The ticket already has its own record (made naming it at the window): another cannot close it.
      if (rec.own_record) throw invalidField('recordId', 'the ticket already has its record');
      // One booking is one record (as createRecord holds): the record keeps the booking it names,
      // and takes the ticket's only when it names none and no other record names that one.
      if (t.appointment_id && rec.appointment_id && rec.appointment_id !== t.appointment_id) throw invalidField('recordId', 'the record is of another booking');
      if (t.appointment_id && !rec.appointment_id && rec.booking_other_record) throw invalidField('recordId', 'the booking already has its record');
      // Taken only while the record has no ticket: of two windows finishing with one record at once,
      // the second finds it taken (and the unique indexes on service_tickets.record_id and
      // service_records.ticket_id stand behind).
      let linked: { numUpdatedRows: bigint };
      try {
        linked = await db.updateTable('service_records').set({ ticket_id: t.id, appointment_id: rec.appointment_id ?? t.appointment_id }).where('id', '=', rec.id).where('ticket_id', 'is', null).executeTakeFirst();
      } catch (e) {
        if (isUniqueViolation(e)) throw invalidField('recordId', 'the ticket already has its record');
        throw e;
      }
      if (Number(linked.numUpdatedRows) !== 1) throw recordTaken();
    }
    set.record_id = rec.id;
  }
  let res: { numAffectedRows?: bigint };
  try {
    res = set.record_id ? await stepUpdateWithRecord(step).run(db, at, id, t.status, set.record_id) : await stepUpdate(step).run(db, at, id, t.status);
  } catch (e) {
    if (set.record_id && isUniqueViolation(e)) throw recordTaken();
    throw e;
  }
  if (Number(res.numAffectedRows) !== 1) throw new DomainError('conflict', `${step}: the ticket was changed by someone else; reload it`);
  await announceServiceChange(db, { subdistrictId: t.subdistrict_id, committeeId: t.committee_id, pointId: t.point_id, kind: input.recordId ? 'record' : 'ticket' });
  return ticketDto({ ...t, ...set } as ServiceTicketTable);
}

/**
 * The record a finish names, the record (if any) that names the ticket already and another record
 * (if any) that names the ticket's booking: one statement.
 */
const recordForFinish = prepared((db: Db, recordId: string, ticketId: string, appointmentId: string | null) =>
  db
    .selectFrom('service_records as r')
    .select(['r.id', 'r.point_id', 'r.ticket_id', 'r.item_id', 'r.appointment_id'])
    .select((eb) => [
      eb.selectFrom('service_records as o').select('o.id').where('o.ticket_id', '=', ticketId).limit(1).as('own_record'),
      // Index service_records_appointment_ix, as createRecord's check.
      eb.selectFrom('service_records as ob').select('ob.id').where('ob.appointment_id', '=', appointmentId).where('ob.id', '!=', recordId).limit(1).as('booking_other_record'),
    ])
    .where('r.id', '=', recordId),
);

const recordTaken = () =>
  new DomainError('conflict', 'recordId: the record belongs to another ticket', { fields: [{ field: 'recordId', reason: 'the record belongs to another ticket' }] });

export const TICKETS_PAGE_DEFAULT = 1000;
export const TICKETS_PAGE_MAX = 2000;

/**
 * Tickets of a day (default today) in the actor's scope (window staff: at their points), in pages by point and order of issue
 * (`after` → `nextCursor`); each page splits them into the waiting ones, in queue order, and the
 * others. One point's queue is whole when asked for with `pointId` in one page.
 */
export async function listTickets(db: Db, clock: Clock, actor: Actor, f: { pointId?: string; day?: string; status?: TicketStatus }, page: { after?: string; limit?: number } = {}) {
  assertCan(actor, 'services.records.read');
  const limit = pageLimit(page.limit, TICKETS_PAGE_DEFAULT, TICKETS_PAGE_MAX);
  const now = clock.now();
  let q = db
    .selectFrom('service_tickets')
    .selectAll()
    .where(frontOfficeCondition(actor, { subdistrict: 'service_tickets.subdistrict_id', committee: 'service_tickets.committee_id', point: 'service_tickets.point_id' }))
    .where('day', '=', f.day ?? shanghaiDate(now));
  if (f.pointId) q = q.where('point_id', '=', f.pointId);
  if (f.status) q = q.where('status', '=', f.status);
  if (page.after) {
    const [point, seq] = readTupleCursor(page.after, ['string', 'number']) as [string, number];
    q = q.where(afterPosition([[sql.ref('point_id'), point], [sql.ref('seq'), seq]], 'asc'));
  }
  const all = await q.orderBy('point_id').orderBy('seq').limit(limit + 1).execute();
  const { page: rows, nextCursor } = keysetPage(all, limit, (r) => tupleCursor([r.point_id, r.seq]));
  const cmp = compareQueue(now.toISOString());
  const waiting = rows.filter((r) => r.status === 'waiting').sort(cmp);
  return { waiting: waiting.map(ticketDto), others: rows.filter((r) => r.status !== 'waiting').map(ticketDto), nextCursor };
}
