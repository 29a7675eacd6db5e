import type { Db } from '../../db/index.js';
import type { SessionKind } from '../../db/schema.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, invalidField } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { type Actor, loadActor } from './actor.js';
import { TOKEN_SCOPES, type TokenScope } from './permissions.js';
import { tokenMaxDays } from './token-settings.js';
import { hashSecret, newSecret } from './tokens.js';

export async function createSession(
  db: Db,
  clock: Clock,
  userId: string,
  ttlMs: number,
  meta: { ip: string | null; userAgent: string | null },
  kind: SessionKind = 'browser',
) {
  const token = newSecret('cls');
  const now = clock.now();
  const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
  const id = newId();
  await db
    .insertInto('sessions')
    .values({
      id,
      user_id: userId,
      token_hash: hashSecret(token),
      created_at: now.toISOString(),
      expires_at: expiresAt,
      last_seen_at: now.toISOString(),
      ip: meta.ip,
      user_agent: meta.userAgent?.slice(0, 500) ?? null,
      kind,
    })
    .execute();
  return { id, token, expiresAt, userId };
}

export type { SessionKind };

/**
 * Turns the caller's browser session into a wall display session (an operations-centre screen
 * left on all day): a new session of the same person, read-only (the auth hook gives it the read
 * scope only) and without idle limit, ending ttlMs from now; the browser session it replaces
 * ends, so the device holds one session. Run in the caller's transaction (with its audit entry).
 */
export async function createWallSession(
  db: Db,
  clock: Clock,
  actor: Actor,
  currentToken: string | null,
  input: { ttlMs: number; ip: string | null; userAgent: string | null },
) {
  // The route is session-only; without a browser session there is nothing to turn into a wall.
  if (!currentToken) throw new DomainError('forbidden', 'A wall display is set up from a browser session');
  const wall = await createSession(db, clock, actor.userId, input.ttlMs, { ip: input.ip, userAgent: input.userAgent }, 'wall');
  await endSession(db, currentToken);
  return wall;
}

export async function endSession(db: Db, token: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', hashSecret(token)).execute();
}

/**
 * Bearer tokens for integrations (cameras, IoT gateways, other platforms): each with its scopes
 * and an expiry no later than the administrator's maximum lifetime (the default when none is asked).
 */
export async function createApiToken(
  db: Db,
  clock: Clock,
  actor: Actor,
  input: { name: string; scopes: readonly TokenScope[]; ttlDays?: number | undefined },
) {
  const maxDays = await tokenMaxDays(db);
  if (input.ttlDays !== undefined && input.ttlDays > maxDays) {
    throw invalidField('ttlDays', `at most ${maxDays} days (the administrator's maximum token lifetime)`);
  }
  const scopes = TOKEN_SCOPES.filter((s) => input.scopes.includes(s));
  if (!scopes.length) throw invalidField('scopes', 'choose at least one scope');
  const secret = newSecret('clt');
  const now = clock.now();
  const id = newId();
  const days = input.ttlDays ?? maxDays;
  const expiresAt = new Date(now.getTime() + days * 86400_000).toISOString();
  await db
    .insertInto('api_tokens')
    .values({
      id,
      user_id: actor.userId,
      name: input.name,
      token_hash: hashSecret(secret),
      created_at: now.toISOString(),
      expires_at: expiresAt,
      revoked_at: null,
      last_used_at: null,
      scopes: JSON.stringify(scopes),
    })
    .execute();
  return { id, name: input.name, scopes, expiresAt, token: secret };
}

/** The scopes stored with a token; anything unreadable grants nothing. */
export function parseScopes(raw: string): TokenScope[] {
  try {
    const v = JSON.parse(raw) as unknown;
    return Array.isArray(v) ? TOKEN_SCOPES.filter((s) => v.includes(s)) : [];
  } catch {
    return [];
  }
}

export async function listApiTokens(db: Db, actor: Actor) {
  return db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'created_at', 'expires_at', 'revoked_at', 'last_used_at', 'scopes'])
    .where('user_id', '=', actor.userId)
    .orderBy('id', 'desc')
    .execute()
    .then((rows) => rows.map((r) => ({ ...r, scopes: parseScopes(r.scopes) })));
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

/**
 * The actor and scopes of a bearer secret, or null when unknown, revoked, expired, or older than
 * the administrator's current maximum token lifetime.
 */
export async function actorForApiToken(db: Db, clock: Clock, secret: string): Promise<{ actor: Actor; scopes: TokenScope[] } | null> {
  const now = clock.now().toISOString();
  const row = await db
    .selectFrom('api_tokens')
    .select(['id', 'user_id', 'created_at', 'expires_at', 'revoked_at', 'last_used_at', 'scopes'])
    .where('token_hash', '=', hashSecret(secret))
    .executeTakeFirst();
  if (!row || row.revoked_at || (row.expires_at && row.expires_at <= now)) return null;
  const maxDays = await tokenMaxDays(db);
  if (Date.parse(row.created_at) + maxDays * 86400_000 <= Date.parse(now)) return null;
  // Touch at most once a minute to keep hot paths write-free.
  if (!row.last_used_at || Date.parse(now) - Date.parse(row.last_used_at) > 60_000) {
    await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', row.id).execute();
  }
  const actor = await loadActor(db, row.user_id);
  return actor ? { actor, scopes: parseScopes(row.scopes) } : null;
}
