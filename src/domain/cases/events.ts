import { PostgresAdapter } from 'kysely';
import type { Db } from '../../db/index.js';
import { prepared, preparedFamily, preparedInsert } from '../../db/prepared.js';
import type { CASE_PHOTO_PURPOSES, CaseEventTable, CaseStatus } from '../../db/schema.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import { enqueueWebhooks } from '../open311/webhooks.js';
import { canonicalJson, GENESIS_HASH, eventHash } from './hash-chain.js';

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
  /** Photos linked to the case by this event (case_photos rows, written with the event). */
  links?: { committeeId: string; photos: { photoId: string; purpose: (typeof CASE_PHOTO_PURPOSES)[number] }[] };
}

export const SYSTEM_ACTOR: EventActor = { userId: null, role: 'system' };

const isPostgres = (db: Db) => db.getExecutor().adapter instanceof PostgresAdapter;

/**
 * Locks the subdistrict's chain head for this transaction: SELECT … FOR UPDATE on PostgreSQL;
 * SQLite has a single writer, and Kysely runs one SQLite transaction at a time.
 */
const headOf = prepared((db: Db, subdistrictId: string) => db.selectFrom('chain_heads').select(['seq', 'hash']).where('subdistrict_id', '=', subdistrictId));
const lockedHeadOf = prepared((db: Db, subdistrictId: string) =>
  db.selectFrom('chain_heads').select(['seq', 'hash']).where('subdistrict_id', '=', subdistrictId).forUpdate(),
);
const insertEvent = preparedInsert('case_events');
const insertCasePhoto = preparedInsert('case_photos');
const moveHead = prepared((db: Db, seq: number, hash: string, at: string, subdistrictId: string) =>
  db.updateTable('chain_heads').set({ seq, hash, updated_at: at }).where('subdistrict_id', '=', subdistrictId),
);

async function lockHead(trx: Db, subdistrictId: string, at: string) {
  const select = () => (isPostgres(trx) ? lockedHeadOf : headOf).first(trx, subdistrictId);
  let head = await select();
  if (!head) {
    await trx
      .insertInto('chain_heads')
      .values({ subdistrict_id: subdistrictId, seq: 0, hash: GENESIS_HASH, updated_at: at })
      .onConflict((oc) => oc.column('subdistrict_id').doNothing())
      .execute();
    head = await select();
  }
  if (!head) throw new Error('chain head missing after insert');
  return { seq: Number(head.seq), hash: head.hash };
}

const EVENT_COLUMNS = [
  'id', 'subdistrict_id', 'seq', 'case_id', 'action', 'from_status', 'to_status', 'actor_user_id', 'actor_role', 'actor_unit_id', 'at', 'device_at',
  'lng', 'lat', 'accuracy_m', 'note', 'photo_ids', 'changes', 'prev_hash', 'hash',
] as const satisfies readonly (keyof CaseEventTable)[];
const PHOTO_COLUMNS = ['id', 'case_id', 'event_id', 'photo_id', 'subdistrict_id', 'committee_id', 'purpose'] as const;

/**
 * PostgreSQL: the event, its photo links and the new chain head in ONE statement (data-modifying
 * CTEs), so the head's row lock taken just before is held for one round trip and the commit.
 * Prepared per number of photo links.
 */
const appendStatement = preparedFamily((key: string) => {
  const photos = Number(key);
  return {
    arity: EVENT_COLUMNS.length + photos * PHOTO_COLUMNS.length + 4,
    build: (db: Db, ...v: unknown[]) => {
      const event = Object.fromEntries(EVENT_COLUMNS.map((c, i) => [c, v[i]])) as unknown as CaseEventTable;
      const linkRows = Array.from({ length: photos }, (_, k) =>
        Object.fromEntries(PHOTO_COLUMNS.map((c, i) => [c, v[EVENT_COLUMNS.length + k * PHOTO_COLUMNS.length + i]])),
      );
      const [seq, hash, at, subdistrictId] = v.slice(EVENT_COLUMNS.length + photos * PHOTO_COLUMNS.length) as [number, string, string, string];
      let q = db.with('ev', (d) => d.insertInto('case_events').values(event).returning('id'));
      if (photos) q = q.with('ph', (d) => d.insertInto('case_photos').values(linkRows as never).returning('id')) as unknown as typeof q;
      return q.updateTable('chain_heads').set({ seq, hash, updated_at: at }).where('subdistrict_id', '=', subdistrictId);
    },
  };
});

/**
 * Appends an event to the case history and to the subdistrict's hash chain, with its photo links.
 * Must run inside the transaction that makes the change it records; events are never updated or
 * deleted. Call it LAST in the transaction: on PostgreSQL it locks the subdistrict's chain head
 * until commit, and every other transition of the subdistrict waits for that lock.
 */
export async function appendCaseEvent(trx: Db, clock: Clock, e: NewCaseEvent) {
  const at = clock.now().toISOString();
  const id = newId();
  // Integrations' webhooks hear of a public change in its own transaction (before the chain head
  // is locked, so the head is held no longer than before).
  await enqueueWebhooks(trx, { eventId: id, subdistrictId: e.subdistrictId, caseId: e.caseId, action: e.action, toStatus: e.toStatus, at, photoIds: e.photoIds ?? [] });
  const head = await lockHead(trx, e.subdistrictId, at);
  const row = {
    id,
    subdistrict_id: e.subdistrictId,
    seq: head.seq + 1,
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
    prev_hash: head.hash,
  };
  const hash = eventHash(row);
  const event = { ...row, hash };
  const links = (e.links?.photos ?? []).map((p) => ({
    id: newId(), case_id: e.caseId, event_id: row.id, photo_id: p.photoId, subdistrict_id: e.subdistrictId, committee_id: e.links!.committeeId, purpose: p.purpose,
  }));
  if (isPostgres(trx)) {
    const args = [...EVENT_COLUMNS.map((c) => event[c]), ...links.flatMap((l) => PHOTO_COLUMNS.map((c) => l[c])), row.seq, hash, at, e.subdistrictId];
    const moved = await appendStatement(String(links.length)).run(trx, ...args);
    if (Number(moved.numAffectedRows ?? 0) !== 1) throw new Error(`chain head of ${e.subdistrictId} did not move`);
  } else {
    await insertEvent.run(trx, event);
    for (const l of links) await insertCasePhoto.run(trx, l);
    await moveHead.run(trx, row.seq, hash, at, e.subdistrictId);
  }
  return { id: row.id, seq: row.seq, hash, at };
}
