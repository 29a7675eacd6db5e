import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import { type Db, isPostgres, NO_DURABILITY_WAIT } from '../../db/index.js';
import { prepared } from '../../db/prepared.js';
import { serverSecret } from '../public-reports/proof-of-work.js';
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import { rateClient } from './client-address.js';

/**
 * Per-client request budgets shared by every instance on the database: a fixed window per
 * (bucket, client), counted by one conditional upsert —
 *
 *   INSERT … VALUES (…, hits = 1) ON CONFLICT (bucket, client_hash, window_start_ms)
 *   DO UPDATE SET hits = hits + 1 WHERE hits < limit RETURNING hits
 *
 * which both engines run atomically (PostgreSQL locks the conflicting row; SQLite serialises
 * writers). A request that finds the window full updates nothing and gets no row back, so the
 * count never passes the limit however many instances ask at once. The client (an address, a key
 * id) is stored only as a keyed hash with the server secret, never as itself.
 *
 * On SQLite the server is one process (docs/operations.md): the same windows are counted in that
 * process's memory instead (InProcessWindows below), exact for the same reason the database count
 * is, without a write on every public request. Nothing about a client is written anywhere.
 */
export interface LimitRule {
  /** What is limited, e.g. `open311.get`; part of the row's key. */
  bucket: string;
  /** Requests allowed per window. */
  limit: number;
  windowMs: number;
}

export const MINUTE_MS = 60_000;

export interface LimitAnswer {
  allowed: boolean;
  /** Requests counted in the window (at most the limit). */
  hits: number;
  /** Seconds until the window ends (for Retry-After). */
  retryAfterSeconds: number;
}

/** The stored form of a client: HMAC-SHA256 with the server secret (an IPv4 address hashed without a key is easily reversed). */
export async function clientKeyHash(db: Db, clock: Clock, client: string): Promise<string> {
  return createHmac('sha256', await serverSecret(db, clock)).update(`rate:${client}`).digest('base64url');
}

/** The conditional upsert (see above), built once: it runs on every public request. */
const hit = prepared((db: Db, bucket: string, clientHash: string, windowStart: number, expires: number, limit: number) =>
  db
    .insertInto('rate_limit_hits')
    .values({ bucket, client_hash: clientHash, window_start_ms: windowStart, hits: 1, expires_ms: expires })
    .onConflict((oc) =>
      oc
        .columns(['bucket', 'client_hash', 'window_start_ms'])
        .doUpdateSet((eb) => ({ hits: eb('rate_limit_hits.hits', '+', 1) }))
        .where('rate_limit_hits.hits', '<', limit),
    )
    .returning('hits')
    // A count lost in a power cut harms nothing: the answer does not wait for it to be on disk.
    .modifyEnd(sql.raw(NO_DURABILITY_WAIT)),
);

/**
 * The windows of one SQLite database's server process: (bucket, client, window start) → hits, the
 * same key and the same conditional count as the upsert. Single-threaded JavaScript makes each
 * count atomic. Ended windows are dropped as the clock passes them (at most once a second), and
 * by the retention job's purge.
 */
class InProcessWindows {
  readonly #hits = new Map<string, { hits: number; end: number }>();
  #sweptAt = 0;

  take(bucket: string, client: string, windowStart: number, end: number, limit: number, now: number): number | null {
    if (now - this.#sweptAt >= 1000) this.purge(now);
    const key = `${bucket}\u0000${client}\u0000${windowStart}`;
    const w = this.#hits.get(key);
    if (!w) {
      this.#hits.set(key, { hits: 1, end });
      return 1;
    }
    if (w.hits >= limit) return null;
    return ++w.hits;
  }

  /** Drops the windows that have ended by `now`; returns how many. */
  purge(now: number): number {
    this.#sweptAt = now;
    let n = 0;
    for (const [key, w] of this.#hits) {
      if (w.end <= now) {
        this.#hits.delete(key);
        n++;
      }
    }
    return n;
  }

  get size() {
    return this.#hits.size;
  }
}

// Kept per database handle — keyed by its adapter, which its transactions share with it.
const inProcess = new WeakMap<object, InProcessWindows>();
const handleOf = (db: Db): object => db.getExecutor().adapter;
const windowsOf = (db: Db) => {
  let w = inProcess.get(handleOf(db));
  if (!w) inProcess.set(handleOf(db), (w = new InProcessWindows()));
  return w;
};

/** How many windows a SQLite server counts in memory (tests; 0 on PostgreSQL). */
export const inProcessWindowCount = (db: Db): number => inProcess.get(handleOf(db))?.size ?? 0;

/** Counts one request of `client` against `rule`; `allowed` is false (and nothing counted) once the window is full. */
export async function takeHit(db: Db, clock: Clock, rule: LimitRule, client: string): Promise<LimitAnswer> {
  if (!Number.isInteger(rule.limit) || rule.limit < 1) throw new Error(`rate limit of ${rule.bucket} must be a positive integer`);
  const now = clock.now().getTime();
  const windowStart = Math.floor(now / rule.windowMs) * rule.windowMs;
  const end = windowStart + rule.windowMs;
  const retryAfterSeconds = Math.max(1, Math.ceil((end - now) / 1000));
  const hits = isPostgres(db)
    ? await hit.first(db, rule.bucket, await clientKeyHash(db, clock, rateClient(client)), windowStart, end, rule.limit).then((r) => (r ? Number(r.hits) : null))
    : windowsOf(db).take(rule.bucket, rateClient(client), windowStart, end, rule.limit, now);
  return hits !== null ? { allowed: true, hits, retryAfterSeconds } : { allowed: false, hits: rule.limit, retryAfterSeconds };
}

/** Counts one request; over budget throws rate_limited carrying retryAfterSeconds (answered 429 with Retry-After). */
export async function enforceLimit(db: Db, clock: Clock, rule: LimitRule, client: string, who = 'this client'): Promise<void> {
  const a = await takeHit(db, clock, rule, client);
  if (a.allowed) return;
  const per = rule.windowMs === MINUTE_MS ? 'a minute' : `per ${Math.round(rule.windowMs / 1000)} s`;
  throw new DomainError('rate_limited', `Too many requests from ${who}: at most ${rule.limit} ${per}; retry in ${a.retryAfterSeconds} s`, {
    retryAfterSeconds: a.retryAfterSeconds,
  });
}

/**
 * Drops windows that have ended (the retention job calls this). Nothing reads or writes an ended
 * window again, so the range delete on expires_ms takes no lock anyone waits for.
 */
export async function purgeEndedWindows(db: Db, clock: Clock): Promise<number> {
  const now = clock.now().getTime();
  const inMemory = inProcess.get(handleOf(db))?.purge(now) ?? 0;
  // SQLite too: rows an earlier version counted there.
  const r = await db.deleteFrom('rate_limit_hits').where('expires_ms', '<=', now).executeTakeFirst();
  return inMemory + Number(r.numDeletedRows);
}
