import { PostgresAdapter } from 'kysely';
import type { Db } from '../../db/index.js';
import { prepared, preparedInsert } from '../../db/prepared.js';
import type { CaseStatus } from '../../db/schema.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import { enqueueWebhooks } from '../open311/webhooks.js';
import { canonicalJson, GENESIS_HASH, eventHash } from './hash-chain.js';

export interface EventActor {
  /** null for the system (deadline job) */
  userId: string | null;
  role: string;
}

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

/**
 * Appends an event to the case history and to the subdistrict's hash chain. Must run inside the
 * transaction that makes the change it records; events are never updated or deleted.
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
  await insertEvent.run(trx, { ...row, hash });
  await moveHead.run(trx, row.seq, hash, at, e.subdistrictId);
  return { id: row.id, seq: row.seq, hash, at };
}
