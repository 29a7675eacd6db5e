import type { Db } from '../../db/index.js';
import type { SessionKind } from '../../db/schema.js';
import { authGeneration, noticeOtherWriters } from '../../db/auth-writes.js';
import { prepared } from '../../db/prepared.js';
import type { Clock } from '../shared/clock.js';
import { type Actor, actorFrom } from './actor.js';
import { cachedRows, keepRows } from './session-cache.js';
import { hashSecret, newSecret } from './tokens.js';

/**
 * A browser session's life after sign-in: the absolute limit (SESSION_TTL_HOURS), the idle limit
 * (SESSION_IDLE_MINUTES), and a new session id when the user's role or scope changed. A wall
 * display session (createWallSession) has its absolute limit only.
 */
export interface SessionPolicy {
  /** No request for this long ends the session. */
  idleMs: number;
  /** A session resolved this recently, with nothing about it changed since, is not read again (session-cache.ts); 0 or absent = always read. */
  cacheMs?: number;
}

/** last_seen_at is written at most this often, so a busy session does not write on every request. */
export const SESSION_TOUCH_MS = 60_000;

const sessionActor = prepared((db: Db, tokenHash: string) =>
  db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .leftJoin('user_scopes as us', 'us.user_id', 'u.id')
    .select([
      's.id as sessionId', 's.expires_at', 's.last_seen_at', 's.rotate_pending', 's.kind',
      'u.id', 'u.username', 'u.display_name', 'u.role', 'u.subdistrict_id', 'u.handling_unit_id', 'u.status', 'u.must_change_password',
      'us.subdistrict_id as scopeSubdistrictId', 'us.committee_id as scopeCommitteeId',
    ])
    .where('s.token_hash', '=', tokenHash),
);

type SessionRow = Awaited<ReturnType<typeof sessionActor.all>>[number];

export interface ResolvedSession {
  actor: Actor;
  /** Set when the session got a new id on this request: the caller sends it as the new cookie. */
  rotatedToken: string | null;
  expiresAt: string;
  /** A wall display session: read-only, and no idle limit (its absolute expiry only). */
  wall: boolean;
}

/** Whether a session of this kind has ended by now: a wall display has no idle limit, only its absolute expiry. */
export function sessionLapsed(s: { kind: SessionKind; expires_at: string; last_seen_at: string }, idleMs: number, at: number): boolean {
  return Date.parse(s.expires_at) <= at || (s.kind !== 'wall' && Date.parse(s.last_seen_at) + idleMs <= at);
}

/**
 * Resolves a browser session token to its actor, or null when absent, expired (absolute or idle),
 * revoked or superseded. One joined query on the hot path; a write at most once a minute (the
 * idle clock) or when the session must get a new id.
 */
export async function resolveSession(db: Db, clock: Clock, policy: SessionPolicy, token: string): Promise<ResolvedSession | null> {
  const tokenHash = hashSecret(token);
  const now = clock.now();
  const cacheMs = policy.cacheMs ?? 0;
  if (cacheMs > 0) noticeOtherWriters(db);
  let rows = cachedRows<SessionRow>(db, tokenHash, cacheMs, now.getTime());
  if (!rows) {
    const generation = authGeneration();
    rows = await sessionActor.all(db, tokenHash);
    if (rows.length) keepRows(db, tokenHash, rows, generation, now.getTime(), cacheMs);
  }
  const row = rows[0];
  if (!row || row.status !== 'active') return null;
  const lastSeen = Date.parse(row.last_seen_at);
  if (sessionLapsed(row, policy.idleMs, now.getTime())) {
    await db.deleteFrom('sessions').where('id', '=', row.sessionId).execute();
    return null;
  }
  let rotatedToken: string | null = null;
  if (Number(row.rotate_pending) === 1) {
    // The user's role or scope changed since this id was issued (OWASP: a new session id on any
    // privilege change). Only the request that swaps the hash wins; a concurrent one with the
    // old id is treated as signed out.
    rotatedToken = newSecret('cls');
    const res = await db
      .updateTable('sessions')
      .set({ token_hash: hashSecret(rotatedToken), rotate_pending: 0, last_seen_at: now.toISOString() })
      .where('id', '=', row.sessionId)
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return null;
  } else if (now.getTime() - lastSeen >= SESSION_TOUCH_MS) {
    const at = now.toISOString();
    await db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', row.sessionId).execute();
    // The cached rows are this session's: its idle clock moves with the write.
    for (const r of rows) r.last_seen_at = at;
  }
  const scope = rows.filter((r) => r.scopeSubdistrictId !== null).map((r) => ({ subdistrictId: r.scopeSubdistrictId as string, committeeId: r.scopeCommitteeId }));
  return { actor: { ...actorFrom(row, scope), mustChangePassword: Number(row.must_change_password) === 1 }, rotatedToken, expiresAt: row.expires_at, wall: row.kind === 'wall' };
}

/**
 * Every session of the user gets a new id on its next request (a role or scope change). A wall
 * display ends instead: it was set up for what its owner could read then (and by a role that may
 * set one up), so a new role or scope needs a new one.
 */
export async function rotateSessionsOf(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).where('kind', '=', 'wall').execute();
  await db.updateTable('sessions').set({ rotate_pending: 1 }).where('user_id', '=', userId).execute();
}

/** Ends every session of the user, optionally but one (the caller's own); returns how many ended. */
export async function endSessionsOf(db: Db, userId: string, exceptToken?: string | null): Promise<number> {
  let q = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (exceptToken) q = q.where('token_hash', '!=', hashSecret(exceptToken));
  const res = await q.executeTakeFirst();
  return Number(res.numDeletedRows);
}

/**
 * Revokes every personal API token of the user (a password reset or change, sign-out everywhere,
 * disabling): a token minted from a stolen session must not outlive the session. Returns how many.
 */
export async function revokeTokensOf(db: Db, at: string, userId: string): Promise<number> {
  const res = await db.updateTable('api_tokens').set({ revoked_at: at }).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/** Gives the caller's own session a new id (after a password change); the new token, or null. */
export async function renewSession(db: Db, clock: Clock, token: string): Promise<{ token: string; expiresAt: string } | null> {
  const next = newSecret('cls');
  const row = await db.selectFrom('sessions').select(['id', 'expires_at']).where('token_hash', '=', hashSecret(token)).executeTakeFirst();
  if (!row) return null;
  await db
    .updateTable('sessions')
    .set({ token_hash: hashSecret(next), rotate_pending: 0, last_seen_at: clock.now().toISOString() })
    .where('id', '=', row.id)
    .execute();
  return { token: next, expiresAt: row.expires_at };
}

export async function countSessionsOf(db: Db, userId: string): Promise<number> {
  const row = await db.selectFrom('sessions').select((eb) => eb.fn.countAll<string | number>().as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow();
  return Number(row.n);
}
