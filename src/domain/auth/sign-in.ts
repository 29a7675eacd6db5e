import type { Db } from '../../db/index.js';
import type { SignInOutcome } from '../../db/schema.js';
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { dummyPasswordHash, verifyPassword } from './passwords.js';
import { isDemoPassword } from './password-policy.js';
import { createSession, endSession } from './sessions.js';
import { addressKey, claimAttempt, clearAttempts, releaseAttempt, retryAfterSeconds, usernameKey } from './sign-in-throttle.js';

export interface LoginPolicy {
  maxFailures: number;
  lockMs: number;
  ipMaxFailures: number;
  windowMs: number;
  sessionTtlMs: number;
  /** Production: the demo's published passwords do not open a session (password-policy.ts). */
  refuseDemoPasswords: boolean;
}

export interface SignInInput {
  username: string;
  password: string;
  ip: string | null;
  userAgent: string | null;
  /** The session cookie the browser sent with the sign-in, ended when the new one starts. */
  previousToken?: string | null;
}

async function record(db: Db, clock: Clock, input: SignInInput, outcome: SignInOutcome, userId: string | null) {
  await db
    .insertInto('sign_in_events')
    .values({
      id: newId(),
      user_id: userId,
      username: input.username.slice(0, 200),
      ip: input.ip,
      user_agent: input.userAgent?.slice(0, 500) ?? null,
      outcome,
      at: clock.now().toISOString(),
    })
    .execute();
}

const invalid = () => new DomainError('invalid_credentials', 'Username or password is incorrect');

/**
 * Password sign-in. Each attempt first claims a slot per address and per username
 * (sign-in-throttle.ts, one atomic statement each), so concurrent guesses — on any number of
 * instances — get exactly the configured number of password checks. An unknown username locks
 * exactly like a real one, so nothing reveals whether an account exists.
 */
export async function signIn(db: Db, clock: Clock, policy: LoginPolicy, input: SignInInput) {
  const now = clock.now();
  if (input.ip) {
    const key = addressKey(input.ip);
    if ((await claimAttempt(db, key, policy.ipMaxFailures, policy.windowMs, now)) === null) {
      await record(db, clock, input, 'rate_limited', null);
      throw new DomainError('rate_limited', 'Too many sign-in attempts from this address; try again later', {
        retryAfterSeconds: await retryAfterSeconds(db, key, policy.windowMs, now),
      });
    }
  }
  const user = await db
    .selectFrom('users')
    .select(['id', 'password_hash', 'status', 'must_change_password'])
    .where('username', '=', input.username)
    .executeTakeFirst();
  const userKey = usernameKey(input.username);
  const attempts = await claimAttempt(db, userKey, policy.maxFailures, policy.lockMs, now);
  if (attempts === null) {
    await record(db, clock, input, 'locked', user?.id ?? null);
    throw new DomainError('account_locked', 'Too many failed attempts; this sign-in is locked for a while', {
      retryAfterSeconds: await retryAfterSeconds(db, userKey, policy.lockMs, now),
    });
  }
  const ok = await verifyPassword(user?.password_hash ?? (await dummyPasswordHash()), input.password);
  if (!user || !ok) {
    await record(db, clock, input, 'bad_credentials', user?.id ?? null);
    if (user) {
      // This failure was the last the window allows: the username is locked until the window ends.
      const lockedUntil = attempts >= policy.maxFailures ? new Date(now.getTime() + policy.lockMs).toISOString() : null;
      await db
        .updateTable('users')
        .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1), locked_until: lockedUntil }))
        .where('id', '=', user.id)
        .execute();
    }
    throw invalid();
  }
  if (user.status !== 'active') {
    await record(db, clock, input, 'disabled', user.id);
    throw invalid();
  }
  if (policy.refuseDemoPasswords && isDemoPassword(input.password)) {
    // Right password, but a published one: refused in production, with a way out.
    await record(db, clock, input, 'disabled', user.id);
    throw new DomainError('demo_password_refused', 'This is the published demo password, refused in production: an administrator must set a new password for this account');
  }
  const session = await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ failed_logins: 0, locked_until: null })
      .where('id', '=', user.id)
      .execute();
    await record(trx, clock, input, 'success', user.id);
    await clearAttempts(trx, userKey);
    if (input.ip) await releaseAttempt(trx, addressKey(input.ip));
    const created = await createSession(trx, clock, user.id, policy.sessionTtlMs, input);
    // A new id on every sign-in: the session the browser held before (if any) ends with it.
    if (input.previousToken) await endSession(trx, input.previousToken);
    return created;
  });
  return { ...session, mustChangePassword: Number(user.must_change_password) === 1 };
}
