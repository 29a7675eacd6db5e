import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import { rateClient } from '../rate-limits/client-address.js';

/**
 * Claims one sign-in attempt for a key (`u:<username>` or `ip:<address>`) in one conditional
 * statement: the counter is raised only while it is below `max` in the current window (or the
 * window has passed, which starts a new one). Concurrent attempts — from any number of instances —
 * therefore get at most `max` claims per window, and a refused claim never reaches the password
 * check. Both engines run `INSERT … ON CONFLICT DO UPDATE … WHERE … RETURNING` atomically
 * (SQLite serialises writers; PostgreSQL locks the conflicting row).
 *
 * Returns the attempts now counted, or null when the key is over its limit.
 */
export async function claimAttempt(db: Db, key: string, max: number, windowMs: number, now: Date): Promise<number | null> {
  const nowIso = now.toISOString();
  const expired = new Date(now.getTime() - windowMs).toISOString();
  const row = await sql<{ attempts: number }>`
    insert into sign_in_throttle (key, window_start, attempts) values (${key}, ${nowIso}, 1)
    on conflict (key) do update set
      attempts = case when sign_in_throttle.window_start <= ${expired} then 1 else sign_in_throttle.attempts + 1 end,
      window_start = case when sign_in_throttle.window_start <= ${expired} then ${nowIso} else sign_in_throttle.window_start end
    where sign_in_throttle.window_start <= ${expired} or sign_in_throttle.attempts < ${max}
    returning attempts`.execute(db);
  const attempts = row.rows[0]?.attempts;
  return attempts === undefined ? null : Number(attempts);
}

/** When a key claimed in this window frees up again (for Retry-After). */
export async function retryAfterSeconds(db: Db, key: string, windowMs: number, now: Date): Promise<number> {
  const row = await db.selectFrom('sign_in_throttle').select('window_start').where('key', '=', key).executeTakeFirst();
  if (!row) return 1;
  const until = new Date(row.window_start).getTime() + windowMs;
  return Math.max(1, Math.ceil((until - now.getTime()) / 1000));
}

/** A successful sign-in clears its username's failures. */
export async function clearAttempts(db: Db, key: string): Promise<void> {
  await db.deleteFrom('sign_in_throttle').where('key', '=', key).execute();
}

/** A successful sign-in gives its address's claim back: only failures count against an address. */
export async function releaseAttempt(db: Db, key: string): Promise<void> {
  await db
    .updateTable('sign_in_throttle')
    .set((eb) => ({ attempts: sql<number>`case when ${eb.ref('attempts')} > 0 then ${eb.ref('attempts')} - 1 else 0 end` }))
    .where('key', '=', key)
    .execute();
}

export const usernameKey = (username: string) => `u:${username.slice(0, 200)}`;
/** An address's key: an IPv6 client by its /64, as every per-address budget counts it (rate-limits/client-address.ts). */
export const addressKey = (ip: string) => `ip:${rateClient(ip)}`;
