import type { Db } from '../../db/index.js';

/**
 * GET requests answers, cached per jurisdiction and query. Every public change of a case appends
 * to its subdistrict's hash chain, so the chain head's sequence number tells whether anything
 * changed: an entry is reused only while the head has not moved. Windows relative to "now" (no
 * start/end given) also expire after a few seconds, as their edge moves with the clock.
 */
const RELATIVE_TTL_MS = 5_000;
const MAX_ENTRIES = 500;

interface Entry {
  seq: number;
  at: number;
  body: string;
}
const caches = new WeakMap<Db, Map<string, Entry>>();

export async function cachedRead(db: Db, subdistrictId: string, key: string, build: () => Promise<string>, relative: boolean): Promise<string> {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  const head = await db.selectFrom('chain_heads').select('seq').where('subdistrict_id', '=', subdistrictId).executeTakeFirst();
  const seq = Number(head?.seq ?? 0);
  const k = `${subdistrictId}|${key}`;
  const hit = cache.get(k);
  if (hit && hit.seq === seq && (!relative || Date.now() - hit.at < RELATIVE_TTL_MS)) return hit.body;
  const body = await build();
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(k, { seq, at: Date.now(), body });
  return body;
}

/** Drops a database's cached answers (after a change that appends no case event, e.g. marking a report abusive). */
export function invalidateOpen311Cache(db: Db) {
  caches.delete(db);
}
