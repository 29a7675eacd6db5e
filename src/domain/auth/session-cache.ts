import type { Db } from '../../db/index.js';
import { authChanged, authGeneration } from '../../db/auth-writes.js';

/**
 * Resolved sessions kept for a moment (SESSION_CACHE_MS, default 2 s), so a busy client's
 * requests do not each read its session: the session look-up was one statement of every request.
 *
 * An entry is used only while nothing that could change it has been written since it was read:
 * the database drivers move a generation on at every such write, and again when its transaction
 * ends (db/auth-writes.ts), so on one instance a sign-out, a disabled user or a new scope counts
 * from the next request. Other instances hear of it through PostgreSQL at commit (a trigger's
 * NOTIFY, server/live-feed.ts); if that connection is lost the whole cache is dropped, and the
 * age limit bounds what a missed notice could leave. On SQLite, another process's write to the
 * file (the command line) is noticed through its data version before an entry is reused.
 *
 * Kept per database handle (each app or test its own), at most MAX_ENTRIES, oldest dropped first.
 */
const MAX_ENTRIES = 10_000;

interface Entry<R> {
  rows: R[];
  generation: number;
  readAt: number;
}

const caches = new WeakMap<Db, Map<string, Entry<unknown>>>();

/** The rows of `key` read at most `maxAgeMs` ago with nothing changed since, or undefined. */
export function cachedRows<R>(db: Db, key: string, maxAgeMs: number, now: number): R[] | undefined {
  if (maxAgeMs <= 0) return undefined;
  const cache = caches.get(db);
  const e = cache?.get(key);
  if (!e) return undefined;
  if (e.generation !== authGeneration() || now - e.readAt >= maxAgeMs || now < e.readAt) {
    cache!.delete(key);
    return undefined;
  }
  return e.rows as R[];
}

/** Keeps rows read at `generation` (taken BEFORE the read, so a change during it makes them stale). */
export function keepRows<R>(db: Db, key: string, rows: R[], generation: number, now: number, maxAgeMs: number): void {
  if (maxAgeMs <= 0 || generation !== authGeneration()) return;
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  cache.delete(key);
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  cache.set(key, { rows, generation, readAt: now });
}

/** The PostgreSQL channel (+ schema) the auth-change trigger NOTIFYs (migration 2026-12-09T0100). */
export const AUTH_CHANNEL_PREFIX = 'closeloop_auth_';

/** Another instance changed a session, user or scope (or we may have missed it): read every session again. */
export function sessionsChangedElsewhere(): void {
  authChanged();
}
