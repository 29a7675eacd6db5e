import { createHash } from 'node:crypto';
import type { CaseEventTable } from '../../db/schema.js';

/** prev_hash of the first event of a subdistrict's chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an event that the hash covers: everything except the hash itself. */
export type ChainedEvent = Omit<CaseEventTable, 'hash'>;

/** Canonical JSON: object keys sorted, no whitespace; numbers and strings as JSON writes them. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj)
      .sort()
      .filter((k) => obj[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
      .join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('non-finite number in a chained event');
  return JSON.stringify(value);
}

/** Normalises a stored row (engines return numbers and times in the same shape already). */
function chainedView(e: ChainedEvent) {
  return {
    id: e.id,
    subdistrict_id: e.subdistrict_id,
    seq: Number(e.seq),
    case_id: e.case_id,
    action: e.action,
    from_status: e.from_status,
    to_status: e.to_status,
    actor_user_id: e.actor_user_id,
    actor_role: e.actor_role,
    // Covered only when set: events recorded before the column existed hash as they always did.
    actor_unit_id: e.actor_unit_id ?? undefined,
    at: e.at,
    device_at: e.device_at,
    lng: e.lng === null ? null : Number(e.lng),
    lat: e.lat === null ? null : Number(e.lat),
    accuracy_m: e.accuracy_m === null ? null : Number(e.accuracy_m),
    note: e.note,
    photo_ids: e.photo_ids,
    changes: e.changes,
    prev_hash: e.prev_hash,
  };
}

/** hash = SHA-256(prev_hash + "\n" + canonical JSON of the event's fields), hex. */
export function eventHash(e: ChainedEvent): string {
  return createHash('sha256').update(`${e.prev_hash}\n${canonicalJson(chainedView(e))}`).digest('hex');
}

/** The hashed fields in canonical (sorted) order, as canonicalJson writes them: each key with its `"key":` prefix. */
const VIEW_KEYS = Object.keys(chainedView({} as ChainedEvent))
  .sort()
  .map((k) => [k, `${JSON.stringify(k)}:`] as const);
/** prev_hash and seq are adjacent keys, in this order: the database fills them in between head and tail. */
const PREV_AT = VIEW_KEYS.findIndex(([k]) => k === 'prev_hash');
if (VIEW_KEYS[PREV_AT + 1]?.[0] !== 'seq') throw new Error('prev_hash and seq are not adjacent in the canonical event');
const BEFORE_PREV = VIEW_KEYS.slice(0, PREV_AT);
const AFTER_SEQ = VIEW_KEYS.slice(PREV_AT + 2);

/**
 * An event's canonical JSON split around its prev_hash and seq, for a database that computes the
 * hash where the chain head is locked: with `prev` and `seq` of the head,
 *   hash = SHA-256(prev + "\n" + head + prev + '","seq":' + seq + tail)
 * equals eventHash of the event with that prev_hash and seq (seq written as JSON writes an integer).
 * Written key by key as canonicalJson writes the whole (keys sorted, undefined left out), without
 * the whole text to search for the split.
 */
export function eventHashParts(e: Omit<ChainedEvent, 'seq' | 'prev_hash'>): { head: string; tail: string } {
  const view = chainedView(e as ChainedEvent) as Record<string, unknown>;
  if (view.subdistrict_id === undefined) throw new Error('chained event JSON without one prev_hash/seq pair');
  let head = '{';
  for (const [k, prefix] of BEFORE_PREV) {
    const v = view[k];
    if (v !== undefined) head += `${head.length > 1 ? ',' : ''}${prefix}${canonicalJson(v)}`;
  }
  head += `${head.length > 1 ? ',' : ''}"prev_hash":"`;
  let tail = '';
  for (const [k, prefix] of AFTER_SEQ) {
    const v = view[k];
    if (v !== undefined) tail += `,${prefix}${canonicalJson(v)}`;
  }
  return { head, tail: `${tail}}` };
}
