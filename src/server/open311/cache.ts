import type { Db } from '../../db/index.js';

/**
 * GET requests answers, cached per jurisdiction and query. Every public change of a case appends
 * to its subdistrict's hash chain, so the chain head's sequence number tells whether anything
 * changed: an entry is reused only while the head has not moved. Windows relative to "now" (no
 * start/end given) also expire after a few seconds, as their edge moves with the clock.
 */
const RELATIVE_TTL_MS = 5_000;
const MAX_ENTRIES = 500;
/** An answer of 1,000 requests is ~0.5 MB: the cache is bounded by size too (oldest dropped first). */
export const MAX_CACHE_BYTES = 32 * 1024 * 1024;

interface Entry {
  seq: number;
  at: number;
  body: string;
}
interface Cache {
  entries: Map<string, Entry>;
  bytes: number;
}
const caches = new WeakMap<Db, Cache>();

export async function cachedRead(db: Db, subdistrictId: string, key: string, build: () => Promise<string>, relative: boolean): Promise<string> {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = { entries: new Map(), bytes: 0 }));
  const head = await db.selectFrom('chain_heads').select('seq').where('subdistrict_id', '=', subdistrictId).executeTakeFirst();
  const seq = Number(head?.seq ?? 0);
  const k = `${subdistrictId}|${key}`;
  const hit = cache.entries.get(k);
  if (hit && hit.seq === seq && (!relative || Date.now() - hit.at < RELATIVE_TTL_MS)) return hit.body;
  const body = await build();
  if (hit) {
    cache.entries.delete(k);
    cache.bytes -= hit.body.length;
  }
  if (body.length > MAX_CACHE_BYTES / 4) return body;
  while (cache.entries.size && (cache.entries.size >= MAX_ENTRIES || cache.bytes + body.length > MAX_CACHE_BYTES)) {
    const [oldest, e] = cache.entries.entries().next().value!;
    cache.entries.delete(oldest);
    cache.bytes -= e.body.length;
  }
  cache.entries.set(k, { seq, at: Date.now(), body });
  cache.bytes += body.length;
  return body;
}

/** How many answers and characters a database's cache holds (for tests and metrics). */
export function cacheSize(db: Db): { entries: number; chars: number } {
  const c = caches.get(db);
  return { entries: c?.entries.size ?? 0, chars: c?.bytes ?? 0 };
}

/** Drops a database's cached answers (after a change that appends no case event, e.g. marking a report abusive). */
export function invalidateOpen311Cache(db: Db) {
  caches.delete(db);
}
