import { sql } from 'kysely';
import { type Db, isPostgres, isUniqueViolation } from '../../db/index.js';
import { prepared, preparedFamily, preparedInsert } from '../../db/prepared.js';
import type { ServiceRecordTable } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan, can, type Permission } from '../auth/permissions.js';
import { assertSeesCommittee, scopeCondition } from '../auth/scope.js';
import { shanghaiDate } from '../calendar/office-hours.js';
import { parseInput } from '../cases/case-input.js';
import { shanghaiDay } from '../cases/case-number.js';
import type { MaterialSpec } from '../services-catalogue/item-input.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, invalidField, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { hashToken, newToken } from '../shared/tokens.js';
import { pageLimit, readKeysetPage } from '../shared/keyset-page.js';
import { dueAfterWorkingDays } from './due-dates.js';
import { maskIdNumber, maskName, maskPhone } from './masking.js';
import { recordAudit } from '../audit/record-audit.js';
import { RecordInput, RecordStepInput, RevealInput } from './record-input.js';
import { announceServiceChange } from '../dashboard/service-changes.js';
import { assertServesAtKnown, pointAccess } from './point-access.js';
import { assertBookingTakenAtWindow, takeBookingAtWindow } from './record-booking.js';
import { DEFAULT_SERVICE_SETTINGS } from '../service-ratings/settings.js';

export { hashToken, newToken };

/** A record as shown to staff: ID numbers and phones masked. */
export function recordDto(r: ServiceRecordTable, now: Date) {
  return {
    id: r.id, number: r.number, subdistrictId: r.subdistrict_id, committeeId: r.committee_id, pointId: r.point_id, itemId: r.item_id,
    itemVersionId: r.item_version_id, staffId: r.staff_id,
    applicant: { name: r.applicant_name, idNumber: maskIdNumber(r.applicant_id_number), phone: maskPhone(r.applicant_phone) },
    agent: r.agent_name ? { name: r.agent_name, idNumber: maskIdNumber(r.agent_id_number), authorizationRef: r.authorization_ref } : null,
    assistRole: r.assist_role, materials: JSON.parse(r.materials) as unknown[], deferredCount: r.deferred_count, mode: r.mode, status: r.status,
    resultReason: r.result_reason, acceptedAt: r.accepted_at, dueAt: r.due_at, handedOffAt: r.handed_off_at, returnedAt: r.returned_at,
    decidedAt: r.decided_at, onTime: r.on_time === null ? null : r.on_time === 1, delivery: r.delivery, deliveredAt: r.delivered_at,
    appointmentId: r.appointment_id, ticketId: r.ticket_id, version: r.version,
    overdue: r.decided_at === null ? now.toISOString() > r.due_at : r.on_time === 0,
  };
}

const staffRow = prepared((db: Db, pointId: string, userId: string) =>
  db.selectFrom('service_point_staff').select('user_id').where('point_id', '=', pointId).where('user_id', '=', userId),
);

/** Whether the actor serves at the point (listed staff), or runs its subdistrict's desk. */
export async function assertServesAt(
  db: Db,
  actor: Actor,
  point: { id: string; subdistrict_id: string; committee_id: string | null },
  permission: Extract<Permission, 'services.serve' | 'services.queue'> = 'services.serve',
) {
  assertCan(actor, permission);
  assertSeesCommittee(actor, point.subdistrict_id, point.committee_id, 'Service point');
  if (actor.role === 'operator' || actor.role === 'admin') return;
  assertServesAtKnown(actor, point, Boolean(await staffRow.first(db, point.id, actor.userId)), permission);
}

const insertRecord = preparedInsert('service_records');

const recordCounter = prepared((db: Db, subdistrictId: string, day: string) =>
  db
    .insertInto('service_record_counters')
    .values({ subdistrict_id: subdistrictId, day, last: 1 })
    .onConflict((oc) => oc.columns(['subdistrict_id', 'day']).doUpdateSet({ last: sql`service_record_counters.last + 1` }))
    .returning('last'),
);

async function nextRecordNumber(db: Db, sub: { id: string; casePrefix: string | null; code: string }, at: Date) {
  const day = shanghaiDay(at);
  const row = await recordCounter.first(db, sub.id, day);
  return `${sub.casePrefix ?? `S${sub.code}`}-YW-${day}-${String(row!.last).padStart(4, '0')}`;
}

/**
 * What a record takes from the item's guide version in effect on a date (versionInEffect's rule),
 * with, in the same statement, what the record's checks read besides: the ticket it names (and
 * whether another record names that ticket already), the booking it names (and whether a record
 * names it already), and the subdistrict's rating window and no-show grace (null: no settings row,
 * the default).
 * No row: no version in effect.
 */
const versionForRecord = prepared((db: Db, itemId: string, date: string, ticketId: string | null, appointmentId: string | null, subdistrictId: string) =>
  db
    .selectFrom('service_item_versions as v')
    .leftJoin('service_tickets as t', (j) => j.on('t.id', '=', ticketId))
    .leftJoin('service_appointments as a', (j) => j.on('a.id', '=', appointmentId))
    .leftJoin('service_settings as st', (j) => j.on('st.subdistrict_id', '=', subdistrictId))
    .select(['v.id', 'v.materials', 'v.promised_limit_days', 'v.mode', 'v.proxy_allowed', 'v.assist_allowed'])
    .select(['t.point_id as ticket_point_id', 't.status as ticket_status', 't.record_id as ticket_record_id', 't.appointment_id as ticket_appointment_id'])
    // The ticket's item, on PostgreSQL read under a share lock held to the commit: a switch of the
    // item at another window (switch-item.ts) waits for this record, or this read waits for the
    // switch and reads its item (SQLite runs one writer at a time).
    .select((eb) =>
      (isPostgres(db)
        ? eb.selectFrom('service_tickets as tl').select('tl.item_id').where('tl.id', '=', ticketId).forShare()
        : eb.selectFrom('service_tickets as tl').select('tl.item_id').where('tl.id', '=', ticketId)
      ).as('ticket_item_id'))
    .select(['a.point_id as appointment_point_id', 'a.item_id as appointment_item_id', 'a.status as appointment_status', 'st.rating_window_days'])
    .select(['a.day as appointment_day', 'a.ends as appointment_ends', 'st.no_show_grace_minutes'])
    .select((eb) => [
      eb.selectFrom('service_records as o').select('o.id').where('o.ticket_id', '=', ticketId).limit(1).as('ticket_other_record'),
      // Index service_records_appointment_ix: any record naming the booking (all are of its point, made since it).
      eb.selectFrom('service_records as ob').select('ob.id').where('ob.appointment_id', '=', appointmentId).limit(1).as('appointment_other_record'),
    ])
    .where('v.item_id', '=', itemId)
    .where('v.effective_from', '<=', date)
    .orderBy('v.effective_from', 'desc')
    .orderBy('v.version', 'desc')
    .limit(1),
);

/** Checks the materials received against the version's checklist; returns how many were deferred (容缺). */
export function checkMaterials(specs: MaterialSpec[], receipts: { index: number; received: boolean; deferred: boolean }[], o: { proxy: boolean } = { proxy: false }) {
  const byIndex = new Map<number, { received: boolean; deferred: boolean }>();
  for (const [i, r] of receipts.entries()) {
    if (r.index >= specs.length) throw invalidField(`materials.${i}.index`, 'no such material in the guide of this item');
    if (byIndex.has(r.index)) throw invalidField(`materials.${i}.index`, 'listed twice');
    if (r.received && r.deferred) throw invalidField(`materials.${i}.deferred`, 'a received material is not deferred');
    byIndex.set(r.index, r);
  }
  let deferred = 0;
  specs.forEach((spec, index) => {
    const r = byIndex.get(index);
    if (r?.received) return;
    if (spec.proxyOnly && !o.proxy) return;
    if (spec.eLicenceExempt && !r?.deferred) return;
    if (r?.deferred) {
      if (!spec.deferrable) throw invalidField(`materials`, `${spec.name}: this material cannot be deferred (容缺 not allowed)`);
      deferred++;
      return;
    }
    throw invalidField('materials', `${spec.name}: required and not received`);
  });
  return deferred;
}

/**
 * Records a service (办件) at a point: the item's guide version in effect today is fixed on the
 * record; materials are checked against it; due_at is the promised limit on the working-day
 * calendar. Returns the record and a one-time rating link token (for the QR code / SMS).
 */
export async function createRecord(db: Db, clock: Clock, actor: Actor, raw: RecordInput) {
  const input = parseInput(RecordInput, raw);
  const point = await pointAccess(db, input.pointId, input.itemId, actor.userId);
  if (!point) throw invalidField('pointId', 'unknown point');
  assertServesAtKnown(actor, point, point.onStaff);
  if (point.status !== 'built') throw invalidField('pointId', `the point is ${point.status}`);
  if (!point.offered) throw invalidField('itemId', 'this point does not offer the item');
  const now = clock.now();
  const version = await versionForRecord.first(db, input.itemId, shanghaiDate(now), input.ticketId, input.appointmentId, point.subdistrict_id);
  if (!version) throw invalidField('itemId', 'the item has no guide in effect today');
  if (input.assistRole === 'proxy') {
    if (version.proxy_allowed !== 1) throw invalidField('assistRole', '代办 is not allowed for this item');
    if (!input.agent) throw invalidField('agent', 'required for 代办');
    if (!input.authorizationRef) throw invalidField('authorizationRef', 'required for 代办 (委托书)');
    // 代办 is another person filing with the applicant's authorisation: the applicant's own number
    // as the agent's would record a 代办 (and its 委托书) where the applicant came in person.
    if (input.agent.idNumber === input.applicant.idNumber) throw invalidField('agent.idNumber', 'the agent is the applicant: 代办 is filed by another person');
  } else if (input.agent) {
    throw invalidField('agent', 'only a 代办 record names an agent');
  }
  if (input.assistRole === 'assist' && version.assist_allowed !== 1) throw invalidField('assistRole', '帮办 is not offered for this item');
  const deferred = checkMaterials(JSON.parse(version.materials), input.materials, { proxy: input.assistRole === 'proxy' });
  assertLinksAtPoint(point.id, input, version);
  // A booking checked in already stays so (no-show marks and cancellations take booked ones only):
  // only one nobody checked in is taken here, a statement the usual visit does not send.
  if (input.appointmentId && version.appointment_status === 'booked') {
    assertBookingTakenAtWindow(now, version);
    await takeBookingAtWindow(db, actor, input.appointmentId, now.toISOString());
  }
  const dueAt = await dueAfterWorkingDays(db, now, version.promised_limit_days, point.subdistrict_id);
  const token = newToken();
  const at = now.toISOString();
  const row: ServiceRecordTable = {
    id: newId(), number: await nextRecordNumber(db, { id: point.subdistrict_id, casePrefix: point.casePrefix, code: point.subdistrictCode }, now), subdistrict_id: point.subdistrict_id, committee_id: point.committee_id,
    point_id: point.id, item_id: input.itemId, item_version_id: version.id, staff_id: actor.userId, applicant_name: input.applicant.name,
    applicant_id_number: input.applicant.idNumber, applicant_phone: input.applicant.phone, agent_name: input.agent?.name ?? null,
    agent_id_number: input.agent?.idNumber ?? null, authorization_ref: input.authorizationRef, assist_role: input.assistRole,
    materials: JSON.stringify(input.materials), deferred_count: deferred, mode: version.mode, status: 'accepted', result_reason: null,
    accepted_at: at, due_at: dueAt.toISOString(), handed_off_at: null, returned_at: null, decided_at: null, decided_by: null, on_time: null,
    delivery: null, delivered_at: null, appointment_id: input.appointmentId, ticket_id: input.ticketId, rating_token_hash: hashToken(token),
    version: 1, updated_at: at,
  };
  try {
    await insertRecord.run(db, row);
  } catch (e) {
    // Two windows recording the same ticket at once both pass the check above; the unique
    // ticket_id lets one in and tells the other (its transaction rolls back).
    throw isUniqueViolation(e) && row.ticket_id && /ticket/.test(String((e as { constraint?: string }).constraint ?? (e as Error).message))
      ? ticketTaken()
      : e;
  }
  await announceServiceChange(db, { subdistrictId: row.subdistrict_id, committeeId: row.committee_id, pointId: row.point_id, kind: 'record' });
  // A booking checked in here leaves the day's booking list as a check-in does.
  if (version.appointment_status === 'booked') {
    await announceServiceChange(db, { subdistrictId: row.subdistrict_id, committeeId: row.committee_id, pointId: row.point_id, kind: 'appointment' });
  }
  // How long the link stays open (from the decision): the window screen tells the applicant.
  const ratingWindowDays = version.rating_window_days ?? DEFAULT_SERVICE_SETTINGS.ratingWindowDays;
  return { record: recordDto(row, now), ratingToken: token, ratingWindowDays };
}

const ticketTaken = () => invalidField('ticketId', 'the ticket already has its record');

/**
 * The ticket and the booking a record names must be of its point, and the ticket not yet another
 * record's: a record claiming another point's (or subdistrict's) ticket would block the real one.
 * The ticket is for the record's item and its holder came to the window when it was called (not
 * waiting still, not skipped).
 */
function assertLinksAtPoint(
  pointId: string,
  input: { itemId: string; ticketId: string | null; appointmentId: string | null },
  /** What versionForRecord read of them (null: no such ticket or booking). */
  read: {
    ticket_point_id: string | null; ticket_item_id: string | null; ticket_status: string | null; ticket_record_id: string | null; ticket_other_record: string | null;
    ticket_appointment_id: string | null;
    appointment_point_id: string | null; appointment_item_id: string | null; appointment_status: string | null; appointment_other_record: string | null;
  },
) {
  if (input.ticketId) {
    if (read.ticket_point_id === null || read.ticket_point_id !== pointId) throw invalidField('ticketId', 'not a ticket of this point');
    if (read.ticket_record_id) throw ticketTaken();
    if (read.ticket_status === 'skipped') throw invalidField('ticketId', 'the ticket was skipped');
    if (read.ticket_item_id !== input.itemId) throw invalidField('ticketId', 'the ticket is for another item');
    // The queue serves tickets in its order (tickets.ts queueRank): one still waiting was never
    // called, and serving its holder now would jump the queue and leave it to be called again.
    if (read.ticket_status === 'waiting') throw invalidField('ticketId', 'the ticket has not been called');
    if (read.ticket_other_record) throw ticketTaken();
  }
  if (input.appointmentId) {
    if (read.appointment_point_id === null || read.appointment_point_id !== pointId) throw invalidField('appointmentId', 'not a booking at this point');
    // A cancelled booking served nobody, another item's is another service, and one booking is one
    // service: a record naming any of them would count a visit the queue figures never had.
    if (read.appointment_status === 'cancelled') throw invalidField('appointmentId', 'the booking was cancelled');
    // A booking marked a no-show is counted as nobody coming: a late arrival is served as a walk-in.
    if (read.appointment_status === 'no_show') throw invalidField('appointmentId', 'the booking was marked a no-show');
    // The booking's ticket switched to the item served at the window (switchTicketItem) is that service.
    const switchedTicket = input.ticketId !== null && read.ticket_appointment_id === input.appointmentId && read.ticket_item_id === input.itemId;
    if (read.appointment_item_id !== input.itemId && !switchedTicket) throw invalidField('appointmentId', 'the booking is for another item');
    // One booking is one record (any record naming it).
    if (read.appointment_other_record) throw invalidField('appointmentId', 'the booking already has its record');
  }
}

/**
 * Handling-unit staff (handler) serve at a centre's or a building's window, or work for a property
 * or sanitation company: they read only the records of the points whose staff lists them.
 */
const readsOnlyOwnPoints = (actor: Actor) => actor.role === 'handler';

export async function loadVisibleRecord(db: Db, actor: Actor, id: string) {
  assertCan(actor, 'services.records.read');
  const r = await db.selectFrom('service_records').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound('Service record', id);
  assertSeesCommittee(actor, r.subdistrict_id, r.committee_id, 'Service record');
  if (readsOnlyOwnPoints(actor) && !(await staffRow.first(db, r.point_id, actor.userId))) throw notFound('Service record', id);
  return r;
}

export async function getRecord(db: Db, clock: Clock, actor: Actor, id: string) {
  return recordDto(await loadVisibleRecord(db, actor, id), clock.now());
}

export interface RecordFilter {
  pointId?: string;
  itemId?: string;
  /** The record a queue ticket was served with (one at most). */
  ticketId?: string;
  status?: ServiceRecordTable['status'];
  overdue?: boolean;
  from?: string;
  to?: string;
}

export const RECORDS_PAGE_DEFAULT = 100;
export const RECORDS_PAGE_MAX = 500;

function recordsInScope(db: Db, actor: Actor, f: RecordFilter, nowIso: string) {
  assertCan(actor, 'services.records.read');
  let q = db.selectFrom('service_records').selectAll().where(scopeCondition(actor, 'service_records.subdistrict_id', 'service_records.committee_id'));
  if (readsOnlyOwnPoints(actor)) {
    q = q.where((eb) =>
      eb.exists(eb.selectFrom('service_point_staff as s').select('s.user_id').whereRef('s.point_id', '=', 'service_records.point_id').where('s.user_id', '=', actor.userId)),
    );
  }
  if (f.pointId) q = q.where('point_id', '=', f.pointId);
  if (f.itemId) q = q.where('item_id', '=', f.itemId);
  if (f.ticketId) q = q.where('ticket_id', '=', f.ticketId);
  if (f.status) q = q.where('status', '=', f.status);
  // Instants are stored as UTC ISO text: a bound given with another offset is compared as one too.
  if (f.from) q = q.where('accepted_at', '>=', new Date(f.from).toISOString());
  if (f.to) q = q.where('accepted_at', '<', new Date(f.to).toISOString());
  if (f.overdue) q = q.where('decided_at', 'is', null).where('due_at', '<', nowIso);
  return q;
}

/** Records in scope, newest accepted first, in pages (`after` → `nextCursor`). */
export async function listRecords(db: Db, clock: Clock, actor: Actor, f: RecordFilter = {}, page: { after?: string; limit?: number } = {}) {
  const now = clock.now();
  const limit = pageLimit(page.limit, RECORDS_PAGE_DEFAULT, RECORDS_PAGE_MAX);
  let q = recordsInScope(db, actor, f, now.toISOString());
  const { page: shown, nextCursor } = await readKeysetPage(
    q, { keys: ['accepted_at', 'id'], kinds: ['string', 'string'], order: 'desc' }, { after: page.after, limit }, (r) => [r.accepted_at, r.id],
  );
  return { items: shown.map((r) => recordDto(r, now)), nextCursor };
}

/** Open records past their promised limit, oldest due first (the operations centre's list), in pages. */
export async function overdueRecords(db: Db, clock: Clock, actor: Actor, page: { after?: string; limit?: number } = {}) {
  const now = clock.now();
  const limit = pageLimit(page.limit, 50, RECORDS_PAGE_MAX);
  let q = recordsInScope(db, actor, { overdue: true }, now.toISOString());
  const { page: shown, nextCursor } = await readKeysetPage(
    q, { keys: ['due_at', 'id'], kinds: ['string', 'string'], order: 'asc' }, { after: page.after, limit }, (r) => [r.due_at, r.id],
  );
  return { items: shown.map((r) => recordDto(r, now)), nextCursor };
}

/**
 * The record's own small lifecycle: 收受分离 hands the file to the back office and gets it
 * back; the result is 办结, 不予受理 or 退件 (the last two with a reason).
 */
export async function stepRecord(db: Db, clock: Clock, actor: Actor, id: string, raw: RecordStepInput) {
  const input = parseInput(RecordStepInput, raw);
  assertCan(actor, 'services.records.read');
  const row = await recordWithPoint.first(db, id, actor.userId);
  if (!row) throw notFound('Service record', id);
  const { point_subdistrict_id, point_committee_id, on_staff, ...r } = row;
  assertSeesCommittee(actor, r.subdistrict_id, r.committee_id, 'Service record');
  // Another point's record, to window staff who read only their own points' records (loadVisibleRecord): as if it did not exist (not 403).
  if (readsOnlyOwnPoints(actor) && !Number(on_staff)) throw notFound('Service record', id);
  assertServesAtKnown(actor, { subdistrict_id: point_subdistrict_id, committee_id: point_committee_id }, Boolean(Number(on_staff)));
  if (r.version !== input.version) throw new DomainError('stale_version', 'The record was changed by someone else; reload it');
  const now = clock.now();
  const at = now.toISOString();
  const set: Partial<ServiceRecordTable> = {};
  const refuse = (why: string) => new DomainError('transition_not_allowed', `${input.action}: ${why}`, { action: input.action, status: r.status });
  switch (input.action) {
    case 'hand_off':
      if (r.mode !== 'separated') throw refuse('only a 收受分离 item goes to the back office');
      if (r.status !== 'accepted') throw refuse(`the record is ${r.status}`);
      Object.assign(set, { status: 'handed_off', handed_off_at: at });
      break;
    case 'return':
      if (r.status !== 'handed_off') throw refuse(`the record is ${r.status}`);
      Object.assign(set, { status: 'returned', returned_at: at });
      break;
    case 'complete':
      if (!(r.mode === 'direct' ? r.status === 'accepted' : r.status === 'returned')) {
        throw refuse(r.mode === 'separated' ? 'the back office has not returned the file' : `the record is ${r.status}`);
      }
      if (!input.delivery) throw invalidField('delivery', 'required to complete a record');
      if (r.deferred_count > 0 && !input.reason) throw invalidField('reason', 'say how the deferred (容缺) materials were supplied');
      Object.assign(set, { status: 'completed', decided_at: at, decided_by: actor.userId, on_time: at <= r.due_at ? 1 : 0, delivery: input.delivery, delivered_at: input.delivery === 'post' ? null : at, result_reason: input.reason ?? null });
      break;
    case 'not_accept':
    case 'send_back':
      if (r.decided_at) throw refuse(`the record is already ${r.status}`);
      // The file is with the back office: it comes back (return) before the window decides.
      if (r.status === 'handed_off') throw refuse('the file is at the back office; return it first');
      if (!input.reason) throw invalidField('reason', 'required');
      Object.assign(set, { status: input.action === 'not_accept' ? 'not_accepted' : 'sent_back', decided_at: at, decided_by: actor.userId, on_time: at <= r.due_at ? 1 : 0, result_reason: input.reason });
      break;
    case 'deliver':
      // A result sent by post (邮寄送达) is delivered when it reaches the applicant: recorded once.
      if (r.status !== 'completed' || r.delivery !== 'post') throw refuse(r.status === 'completed' ? 'only a result sent by post is delivered later' : `the record is ${r.status}`);
      if (r.delivered_at) throw refuse('the result is already delivered');
      Object.assign(set, { delivered_at: at });
      break;
  }
  const changed = { ...set, version: r.version + 1, updated_at: at };
  const cols = (Object.keys(changed) as (keyof typeof changed)[]).filter((c) => changed[c] !== undefined).sort();
  const res = await recordStepUpdate(cols.join(',')).run(db, ...cols.map((c) => changed[c]), id, input.version);
  if (Number(res.numAffectedRows) !== 1) throw new DomainError('stale_version', 'The record was changed by someone else; reload it');
  await announceServiceChange(db, { subdistrictId: r.subdistrict_id, committeeId: r.committee_id, pointId: r.point_id, kind: 'record' });
  // The row as written: the one read, under the conditional update that kept its version.
  return recordDto({ ...r, ...changed }, now);
}

/** A record step's update (the columns it sets, by name, then the id and the version read), built once per set of columns. */
const recordStepUpdate = preparedFamily((key: string) => {
  const cols = key.split(',');
  return {
    arity: cols.length + 2,
    build: (db: Db, ...v: unknown[]) =>
      db
        .updateTable('service_records')
        .set(Object.fromEntries(cols.map((c, i) => [c, v[i]])) as Partial<ServiceRecordTable>)
        .where('id', '=', v[cols.length] as string)
        .where('version', '=', v[cols.length + 1] as number),
  };
});

/** A record, its point's subdistrict and committee, and whether a user is on the point's staff: one statement. */
const recordWithPoint = prepared((db: Db, id: string, userId: string) =>
  db
    .selectFrom('service_records as r')
    .innerJoin('service_points as p', 'p.id', 'r.point_id')
    .selectAll('r')
    .select(['p.subdistrict_id as point_subdistrict_id', 'p.committee_id as point_committee_id'])
    .select((eb) =>
      eb.exists(eb.selectFrom('service_point_staff as s').select('s.user_id').whereRef('s.point_id', '=', 'r.point_id').where('s.user_id', '=', userId)).as('on_staff'),
    )
    .where('r.id', '=', id),
);

/** Shows a full ID number to a role that needs it, and logs who, when, which and why. */
export async function revealId(db: Db, clock: Clock, actor: Actor, id: string, raw: RevealInput, ip: string | null = null) {
  const input = parseInput(RevealInput, raw);
  const r = await loadVisibleRecord(db, actor, id);
  assertCan(actor, 'services.reveal_id');
  const value = input.field === 'applicant' ? r.applicant_id_number : r.agent_id_number;
  if (!value) throw invalidField('field', 'this record has no agent');
  await db
    .insertInto('service_id_reveals')
    .values({ id: newId(), record_id: r.id, subdistrict_id: r.subdistrict_id, user_id: actor.userId, field: input.field, reason: input.reason, at: clock.now().toISOString() })
    .execute();
  // …and in the audit log with everything else (the number itself is not written there).
  await recordAudit(db, clock, {
    actor, action: 'reveal.id_number', entity: 'reveal', entityId: r.id, subdistrictId: r.subdistrict_id,
    after: { field: `service_record.${input.field}.id_number`, masked: maskIdNumber(value), reason: input.reason }, ip,
  });
  return { field: input.field, idNumber: value };
}

/** The reveal log of a record (who saw the full number); names of the people, not their IDs. */
export async function listReveals(db: Db, actor: Actor, id: string) {
  const r = await loadVisibleRecord(db, actor, id);
  assertCan(actor, 'services.reveals.read');
  return db
    .selectFrom('service_id_reveals')
    .innerJoin('users', 'users.id', 'service_id_reveals.user_id')
    .select(['service_id_reveals.id', 'service_id_reveals.field', 'service_id_reveals.reason', 'service_id_reveals.at', 'users.display_name as userName'])
    .where('record_id', '=', r.id)
    .orderBy('at')
    .execute();
}

export { maskName };
