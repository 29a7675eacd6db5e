import type { Db } from '../../db/index.js';
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { type Actor, loadActor } from './actor.js';
import { hashSecret, newSecret } from './tokens.js';

export async function createSession(
  db: Db,
  clock: Clock,
  userId: string,
  ttlMs: number,
  meta: { ip: string | null; userAgent: string | null },
) {
  const token = newSecret('cls');
  const now = clock.now();
  const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
  await db
    .insertInto('sessions')
    .values({
      id: newId(),
      user_id: userId,
      token_hash: hashSecret(token),
      created_at: now.toISOString(),
      expires_at: expiresAt,
      last_seen_at: now.toISOString(),
      ip: meta.ip,
      user_agent: meta.userAgent?.slice(0, 500) ?? null,
    })
    .execute();
  return { token, expiresAt, userId };
}

export async function endSession(db: Db, token: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', hashSecret(token)).execute();
}

/** Bearer tokens for integrations (cameras, IoT gateways, other platforms). */
export async function createApiToken(db: Db, clock: Clock, actor: Actor, name: string, ttlDays?: number) {
  const secret = newSecret('clt');
  const now = clock.now();
  const id = newId();
  await db
    .insertInto('api_tokens')
    .values({
      id,
      user_id: actor.userId,
      name,
      token_hash: hashSecret(secret),
      created_at: now.toISOString(),
      expires_at: ttlDays ? new Date(now.getTime() + ttlDays * 86400_000).toISOString() : null,
      revoked_at: null,
      last_used_at: null,
    })
    .execute();
  return { id, name, token: secret };
}

export async function listApiTokens(db: Db, actor: Actor) {
  return db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'created_at', 'expires_at', 'revoked_at', 'last_used_at'])
    .where('user_id', '=', actor.userId)
    .orderBy('id', 'desc')
    .execute();
}

export async function revokeApiToken(db: Db, clock: Clock, actor: Actor, id: string) {
  const res = await db
    .updateTable('api_tokens')
    .set({ revoked_at: clock.now().toISOString() })
    .where('id', '=', id)
    .where('user_id', '=', actor.userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) === 0) throw new DomainError('not_found', 'API token not found');
}

export async function actorForApiToken(db: Db, clock: Clock, secret: string): Promise<Actor | null> {
  const now = clock.now().toISOString();
  const row = await db
    .selectFrom('api_tokens')
    .select(['id', 'user_id', 'expires_at', 'revoked_at', 'last_used_at'])
    .where('token_hash', '=', hashSecret(secret))
    .executeTakeFirst();
  if (!row || row.revoked_at || (row.expires_at && row.expires_at <= now)) return null;
  // Touch at most once a minute to keep hot paths write-free.
  if (!row.last_used_at || Date.parse(now) - Date.parse(row.last_used_at) > 60_000) {
    await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', row.id).execute();
  }
  return loadActor(db, row.user_id);
}
