import type { Db } from '../../db/index.js';
import type { SignInOutcome } from '../../db/schema.js';
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { dummyPasswordHash, verifyPassword } from './passwords.js';
import { createSession } from './sessions.js';

export interface LoginPolicy {
  maxFailures: number;
  lockMs: number;
  ipMaxFailures: number;
  windowMs: number;
  sessionTtlMs: number;
}

export interface SignInInput {
  username: string;
  password: string;
  ip: string | null;
  userAgent: string | null;
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
 * Password sign-in. Lockout is counted per username from the sign-in log, so an unknown
 * username locks exactly like a real one and nothing reveals whether an account exists.
 */
export async function signIn(db: Db, clock: Clock, policy: LoginPolicy, input: SignInInput) {
  const now = clock.now();
  const ipSince = new Date(now.getTime() - policy.windowMs).toISOString();
  if (input.ip) {
    const ipFailures = await db
      .selectFrom('sign_in_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('ip', '=', input.ip)
      .where('at', '>', ipSince)
      .where('outcome', 'in', ['bad_credentials', 'locked', 'rate_limited'])
      .executeTakeFirstOrThrow();
    if (Number(ipFailures.n) >= policy.ipMaxFailures) {
      await record(db, clock, input, 'rate_limited', null);
      throw new DomainError('rate_limited', 'Too many sign-in attempts from this address; try again later', {
        retryAfterSeconds: Math.ceil(policy.windowMs / 1000),
      });
    }
  }

  const lockSince = new Date(now.getTime() - policy.lockMs).toISOString();
  const lastSuccess = await db
    .selectFrom('sign_in_events')
    .select('at')
    .where('username', '=', input.username)
    .where('outcome', '=', 'success')
    .orderBy('at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const since = lastSuccess && lastSuccess.at > lockSince ? lastSuccess.at : lockSince;
  const failures = await db
    .selectFrom('sign_in_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('username', '=', input.username)
    .where('outcome', '=', 'bad_credentials')
    .where('at', '>', since)
    .executeTakeFirstOrThrow();
  const user = await db
    .selectFrom('users')
    .select(['id', 'password_hash', 'status'])
    .where('username', '=', input.username)
    .executeTakeFirst();

  if (Number(failures.n) >= policy.maxFailures) {
    await record(db, clock, input, 'locked', user?.id ?? null);
    throw new DomainError('account_locked', 'Too many failed attempts; this sign-in is locked for a while', {
      retryAfterSeconds: Math.ceil(policy.lockMs / 1000),
    });
  }

  const ok = await verifyPassword(user?.password_hash ?? (await dummyPasswordHash()), input.password);
  if (!user || !ok) {
    await record(db, clock, input, 'bad_credentials', user?.id ?? null);
    if (user) {
      const lockedUntil =
        Number(failures.n) + 1 >= policy.maxFailures ? new Date(now.getTime() + policy.lockMs).toISOString() : null;
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
  const session = await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ failed_logins: 0, locked_until: null })
      .where('id', '=', user.id)
      .execute();
    await record(trx, clock, input, 'success', user.id);
    return createSession(trx, clock, user.id, policy.sessionTtlMs, input);
  });
  return session;
}
