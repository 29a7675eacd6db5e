import { CompiledQuery } from 'kysely';
import { type Db, isPostgres } from '../../db/index.js';
import { nameStatement } from '../../db/pg-named-statements.js';
import { prepared, preparedInsert } from '../../db/prepared.js';
import { runStatement } from '../../db/run-statement.js';
import type { CASE_PHOTO_PURPOSES, CaseEventTable, CaseStatus } from '../../db/schema.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import { inTransaction } from '../shared/in-transaction.js';
import { type PlannedNotice, pgNoticeCtes } from '../notifications/notify.js';
import { webhookDeliveries } from '../open311/webhooks.js';
import { DomainError } from '../shared/errors.js';
import { canonicalJson, GENESIS_HASH, eventHash, eventHashParts } from './hash-chain.js';

export interface EventActor {
  /** null for the system (deadline job) */
  userId: string | null;
  role: string;
  /** The actor's handling unit at the time, recorded with the event (the timeline names it). */
  unitId?: string | null;
}

/** A signed-in person as the actor of an event: who, in which role, of which handling unit. */
export const eventActor = (a: { userId: string; role: string; handlingUnitId: string | null }): EventActor => ({ userId: a.userId, role: a.role, unitId: a.handlingUnitId });

export interface Gps {
  lng: number;
  lat: number;
  accuracy?: number | null;
}

export interface NewCaseEvent {
  subdistrictId: string;
  caseId: string;
  action: string;
  fromStatus: CaseStatus | null;
  toStatus: CaseStatus;
  actor: EventActor;
  deviceAt?: string | null;
  gps?: Gps | null;
  note?: string | null;
  photoIds?: string[];
  /** field → [from, to] */
  changes?: Record<string, [unknown, unknown]>;
  /** The open311 `keys` counter if this transaction read it already (saves the webhook enqueue a read). */
  keysVersion?: string;
  /** Photos linked to the case by this event (case_photos rows, written with the event). */
  links?: { committeeId: string; photos: { photoId: string; purpose: (typeof CASE_PHOTO_PURPOSES)[number] }[] };
}

export const SYSTEM_ACTOR: EventActor = { userId: null, role: 'system' };


const headOf = prepared((db: Db, subdistrictId: string) => db.selectFrom('chain_heads').select(['seq', 'hash']).where('subdistrict_id', '=', subdistrictId));
const insertEvent = preparedInsert('case_events');
const insertCasePhoto = preparedInsert('case_photos');
const moveHead = prepared((db: Db, seq: number, prevHash: string, hash: string, at: string, subdistrictId: string) =>
  db.updateTable('chain_heads').set({ seq, prev_hash: prevHash, hash, updated_at: at }).where('subdistrict_id', '=', subdistrictId),
);

/** SQLite: the head (created at genesis when missing); the single writer holds it until commit. */
async function sqliteHead(trx: Db, subdistrictId: string, at: string) {
  let head = await headOf.first(trx, subdistrictId);
  if (!head) {
    await trx
      .insertInto('chain_heads')
      .values({ subdistrict_id: subdistrictId, seq: 0, hash: GENESIS_HASH, updated_at: at })
      .onConflict((oc) => oc.column('subdistrict_id').doNothing())
      .execute();
    head = await headOf.first(trx, subdistrictId);
  }
  if (!head) throw new Error('chain head missing after insert');
  return { seq: Number(head.seq), hash: head.hash };
}

/** Event columns the PostgreSQL append binds (seq, prev_hash and hash come from the head). */
const BOUND_EVENT_COLUMNS = [
  'id', 'subdistrict_id', 'case_id', 'action', 'from_status', 'to_status', 'actor_user_id', 'actor_role', 'actor_unit_id', 'at', 'device_at',
  'lng', 'lat', 'accuracy_m', 'note', 'photo_ids', 'changes',
] as const satisfies readonly (keyof CaseEventTable)[];
const PG_TYPE: Partial<Record<keyof CaseEventTable, string>> = { at: 'timestamptz', device_at: 'timestamptz', lng: 'float8', lat: 'float8', accuracy_m: 'float8' };
const PHOTO_COLUMNS = ['id', 'case_id', 'event_id', 'photo_id', 'subdistrict_id', 'committee_id', 'purpose'] as const;

/** A write of the case row that the event records, made in the event's statement (RETURNING a row when it applied). */
export interface CaseWrite {
  sql: string;
  parameters: unknown[];
  /**
   * PostgreSQL only: CTEs the case write reads (e.g. the day's case-number counter), placed before
   * it in the event's statement; `sql` and `ctes` share `parameters`.
   */
  ctes?: string;
}

/**
 * Thrown (before anything is written) by a write planned as ONE statement outside a transaction
 * when it turns out to need more than one: the caller runs it again in a transaction.
 */
export class NeedsTransaction extends Error {
  constructor(why: string) {
    super(`needs a transaction: ${why}`);
  }
}

/**
 * Runs a write atomically: on PostgreSQL outside a transaction as `work(db, true)`, whose writes are
 * one statement; in a transaction as `work(trx, false)` otherwise — SQLite, the caller's
 * transaction, `canBeAlone` false, or when the first try threw NeedsTransaction (before writing).
 */
export async function oneStatementOrTransaction<T>(db: Db, work: (db: Db, alone: boolean) => Promise<T>, canBeAlone = true): Promise<T> {
  if (canBeAlone && !db.isTransaction && isPostgres(db)) {
    try {
      return await work(db, true);
    } catch (e) {
      if (!(e instanceof NeedsTransaction)) throw e;
    }
  }
  return inTransaction(db, (trx) => work(trx, false));
}

/**
 * PostgreSQL: the case write, the move of the chain head, the event and its photo links in ONE
 * statement; with a planned notification (notify.ts pgNoticeCtes), that too, written only if the
 * case write applied. The head is moved by an upsert whose conflict branch locks the subdistrict's row and
 * computes the new hash from the locked (latest) row: prev_hash and seq are the only parts of the
 * hashed text the database fills in (eventHashParts). The head row is therefore locked for this
 * statement and the commit only. The head moves (and the event exists) only if the case write
 * returned its row: a stale version leaves the statement without effect.
 * Keyed by the case write's SQL (or none), the number of photo links and of the notice's inbox rows.
 */
const pgAppendSql = new Map<string, Map<string, Map<string, string>>>();
let pgAppendCount = 0;
function pgAppend(caseSql: string | null, ctes: string | null, offset: number, photos: number, noticeInbox: number | null): string {
  // Looked up by the case write's and the CTEs' texts themselves (the same string objects each
  // time, their hashes kept), not by a key made of them: that key was 1–2 KB to build and hash.
  const byCtes = pgAppendSql.get(caseSql ?? '')?.get(ctes ?? '');
  const key = `${photos}:${noticeInbox ?? ''}`;
  let text = byCtes?.get(key);
  if (text) return text;
  let n = offset;
  const p = (type = 'text') => `$${++n}::${type}`;
  const [sd, genesis, head, tail, at] = [p(), p(), p(), p(), p('timestamptz')];
  const hashOf = (prev: string, seq: string) => `encode(sha256(convert_to(${prev} || E'\\n' || ${head} || ${prev} || '","seq":' || (${seq})::text || ${tail}, 'UTF8')), 'hex')`;
  const values = BOUND_EVENT_COLUMNS.map((c) => (c === 'subdistrict_id' ? sd : c === 'at' ? at : p(PG_TYPE[c])));
  const eventId = values[0]!;
  const links = Array.from({ length: photos }, () => `(${PHOTO_COLUMNS.map((c) => (c === 'event_id' ? 'ev.id' : p())).join(', ')})`);
  text = [
    'with ',
    ctes ? `${ctes}, ` : '',
    caseSql ? `c as (${caseSql}), ` : '',
    `h as (insert into chain_heads as t (subdistrict_id, seq, prev_hash, hash, updated_at) select ${sd}, 1, ${genesis}, ${hashOf(genesis, '1')}, ${at}${caseSql ? ' from c' : ''}`,
    ` on conflict (subdistrict_id) do update set seq = t.seq + 1, prev_hash = t.hash, hash = ${hashOf('t.hash', 't.seq + 1')}, updated_at = excluded.updated_at`,
    ' returning seq, prev_hash, hash), ',
    `ev as (insert into case_events (${BOUND_EVENT_COLUMNS.join(', ')}, seq, prev_hash, hash) select ${values.join(', ')}, h.seq, h.prev_hash, h.hash from h returning id)`,
    photos ? `, ph as (insert into case_photos (${PHOTO_COLUMNS.join(', ')}) select x.* from ev cross join lateral (values ${links.join(', ')}) as x(${PHOTO_COLUMNS.join(', ')}))` : '',
    noticeInbox === null ? '' : `, ${pgNoticeCtes(p, noticeInbox, 'c')}`,
    // What the case write returned comes back with the head (a report's number, say).
    caseSql ? ' select c.*, h.seq, h.hash from h cross join c' : ' select h.seq, h.hash from h',
  ].join('');
  if (!text.includes(eventId)) throw new Error('append statement without its event id');
  if ((noticeInbox !== null || ctes) && !caseSql) throw new Error('a notice in the append statement needs a case write to follow');
  nameStatement(text);
  if (pgAppendCount < 1000) {
    pgAppendCount++;
    let byCase = pgAppendSql.get(caseSql ?? '');
    if (!byCase) pgAppendSql.set(caseSql ?? '', (byCase = new Map()));
    let inner = byCase.get(ctes ?? '');
    if (!inner) byCase.set(ctes ?? '', (inner = new Map()));
    inner.set(key, text);
  }
  return text;
}

/**
 * Appends an event to the case history and to the subdistrict's hash chain, with its photo links.
 * Must run inside the transaction that makes the change it records; events are never updated or
 * deleted. Call it LAST in the transaction: on PostgreSQL it locks the subdistrict's chain head
 * until commit, and every other transition of the subdistrict waits for that lock.
 *
 * On PostgreSQL it may also run OUTSIDE a transaction, with a case write and optionally a planned
 * notice: then the whole change is that one statement (atomic by itself, the chain head locked
 * only while it runs), or NeedsTransaction is thrown before anything is written when it cannot be
 * (integrations' webhooks to enqueue).
 */
export async function appendCaseEvent(trx: Db, clock: Clock, e: NewCaseEvent, caseWrite?: CaseWrite, alone?: { notice?: PlannedNotice }) {
  const at = clock.now().toISOString();
  const id = newId();
  if (alone && (trx.isTransaction || !caseWrite || !isPostgres(trx))) throw new Error('an append on its own runs on PostgreSQL, outside a transaction, with a case write');
  const notice = alone?.notice;
  // Integrations' webhooks hear of a public change in its own transaction (before the chain head
  // is locked, so the head is held no longer than before).
  const deliveries = await webhookDeliveries(trx, { eventId: id, subdistrictId: e.subdistrictId, caseId: e.caseId, action: e.action, toStatus: e.toStatus, at, photoIds: e.photoIds ?? [], keysVersion: e.keysVersion });
  if (deliveries.length) {
    if (alone) throw new NeedsTransaction('integrations hear of this change');
    await trx.insertInto('open311_deliveries').values(deliveries).execute();
  }
  const fields = {
    id,
    subdistrict_id: e.subdistrictId,
    case_id: e.caseId,
    action: e.action,
    from_status: e.fromStatus,
    to_status: e.toStatus,
    actor_user_id: e.actor.userId,
    actor_role: e.actor.role,
    actor_unit_id: e.actor.unitId ?? null,
    at,
    device_at: e.deviceAt ? new Date(e.deviceAt).toISOString() : null,
    lng: e.gps ? e.gps.lng : null,
    lat: e.gps ? e.gps.lat : null,
    accuracy_m: e.gps?.accuracy ?? null,
    note: e.note ?? null,
    photo_ids: JSON.stringify(e.photoIds ?? []),
    changes: canonicalJson(e.changes ?? {}),
  };
  const links = (e.links?.photos ?? []).map((p) => ({
    id: newId(), case_id: e.caseId, event_id: id, photo_id: p.photoId, subdistrict_id: e.subdistrictId, committee_id: e.links!.committeeId, purpose: p.purpose,
  }));
  const stale = () => new DomainError('stale_version', 'The case was changed by someone else; reload it');
  if (isPostgres(trx)) {
    const parts = eventHashParts(fields);
    const before = caseWrite?.parameters ?? [];
    const text = pgAppend(caseWrite?.sql ?? null, caseWrite?.ctes ?? null, before.length, links.length, notice ? notice.inbox : null);
    const args = [
      ...before, e.subdistrictId, GENESIS_HASH, parts.head, parts.tail, at,
      ...BOUND_EVENT_COLUMNS.filter((c) => c !== 'subdistrict_id' && c !== 'at').map((c) => fields[c]),
      ...links.flatMap((l) => PHOTO_COLUMNS.filter((c) => c !== 'event_id').map((c) => l[c])),
      ...(notice?.args ?? []),
    ];
    const head = (await runStatement<{ seq: number; hash: string } & Record<string, unknown>>(trx, text, args)).rows[0];
    if (!head) {
      if (caseWrite) throw stale();
      throw new Error(`chain head of ${e.subdistrictId} did not move`);
    }
    return { id, seq: Number(head.seq), hash: head.hash, at, written: head as Record<string, unknown> };
  }
  if (caseWrite?.ctes) throw new Error('a case write with CTEs is for PostgreSQL');
  if (caseWrite && (await trx.executeQuery(CompiledQuery.raw(caseWrite.sql, caseWrite.parameters))).rows.length !== 1) throw stale();
  const head = await sqliteHead(trx, e.subdistrictId, at);
  const row = { ...fields, seq: head.seq + 1, prev_hash: head.hash };
  const hash = eventHash(row);
  await insertEvent.run(trx, { ...row, hash });
  for (const l of links) await insertCasePhoto.run(trx, l);
  await moveHead.run(trx, row.seq, head.hash, hash, at, e.subdistrictId);
  return { id, seq: row.seq, hash, at, written: undefined as Record<string, unknown> | undefined };
}
