import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../../db/index.js';
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';

/**
 * A proof-of-work challenge for the public report page, needing no third-party service: the
 * server hands out a challenge signed with its own secret (nothing is stored on issue, so asking
 * costs the server nothing); the phone finds a nonce whose SHA-256 over "challenge:nonce" starts
 * with `bits` zero bits (about 2^bits hashes, a second or two on a phone, and the same for every
 * report a script would send); the server checks the signature, the expiry and the hash, and
 * spends the challenge in the transaction that files the report, so a replay is refused.
 */
export const POW_BITS = 16;
export const CHALLENGE_TTL_MS = 10 * 60_000;
const SECRET_ID = 'pow';

export interface Challenge {
  challenge: string;
  bits: number;
  expiresAt: string;
}

const secrets = new WeakMap<Db, Buffer>();

/** The shared signing secret: made once per database, so every instance verifies every challenge. */
export async function serverSecret(db: Db, clock: Clock): Promise<Buffer> {
  const hit = secrets.get(db);
  if (hit) return hit;
  await db
    .insertInto('public_report_secrets')
    .values({ id: SECRET_ID, secret: randomBytes(32).toString('base64url'), created_at: clock.now().toISOString() })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  const row = await db.selectFrom('public_report_secrets').select('secret').where('id', '=', SECRET_ID).executeTakeFirstOrThrow();
  const secret = Buffer.from(row.secret, 'base64url');
  secrets.set(db, secret);
  return secret;
}

const sign = (secret: Buffer, payload: string) => createHmac('sha256', secret).update(payload).digest('base64url');

export async function issueChallenge(db: Db, clock: Clock): Promise<Challenge> {
  const bits = POW_BITS;
  const secret = await serverSecret(db, clock);
  const expiresAt = new Date(clock.now().getTime() + CHALLENGE_TTL_MS).toISOString();
  const payload = `${randomBytes(12).toString('base64url')}.${bits}.${Date.parse(expiresAt)}`;
  return { challenge: `${payload}.${sign(secret, payload)}`, bits, expiresAt };
}

/** Leading zero bits of a digest. */
export function leadingZeroBits(digest: Buffer): number {
  let n = 0;
  for (const byte of digest) {
    if (byte === 0) {
      n += 8;
      continue;
    }
    return n + Math.clz32(byte) - 24;
  }
  return n;
}

export const powDigest = (challenge: string, nonce: string) => createHash('sha256').update(`${challenge}:${nonce}`).digest();

/** Finds a nonce (for tests and scripts; the page solves it in a Web Worker). */
export function solveChallenge(challenge: string, bits: number): string {
  for (let i = 0; ; i++) if (leadingZeroBits(powDigest(challenge, String(i))) >= bits) return String(i);
}

const failed = (reason: string) => new DomainError('challenge_failed', `proof of work: ${reason}`, { fields: [{ field: 'challenge', reason }] });

export interface VerifiedChallenge {
  id: string;
  expiresAt: string;
}

/** Checks signature, expiry and work (no database write: spendChallenge does that with the filing). */
export async function verifyChallenge(db: Db, clock: Clock, challenge: string | undefined, nonce: string | undefined): Promise<VerifiedChallenge> {
  if (!challenge) throw failed('a proof-of-work challenge is required');
  if (!nonce || !/^[0-9]{1,20}$/.test(nonce)) throw failed('the nonce must be a whole number');
  const parts = challenge.split('.');
  if (parts.length !== 4) throw failed('the challenge is malformed');
  const [id, bitsText, expText, mac] = parts as [string, string, string, string];
  const secret = await serverSecret(db, clock);
  const expected = Buffer.from(sign(secret, `${id}.${bitsText}.${expText}`));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw failed('the challenge was not issued by this server');
  const bits = Number(bitsText);
  if (!Number.isInteger(bits) || bits < POW_BITS) throw failed('the challenge is too easy');
  if (Number(expText) <= clock.now().getTime()) throw failed('the challenge has expired; ask for a new one');
  if (leadingZeroBits(powDigest(challenge, nonce)) < bits) throw failed('the nonce does not solve the challenge');
  return { id, expiresAt: new Date(Number(expText)).toISOString() };
}

const replayed = () =>
  new DomainError('challenge_replayed', 'proof of work: this challenge was already used; ask for a new one', { fields: [{ field: 'challenge', reason: 'this challenge was already used' }] });

/** Refuses a challenge already spent, writing nothing (a look ahead: spendChallenge decides). */
export async function assertChallengeUnspent(db: Db, c: VerifiedChallenge): Promise<void> {
  const spent = await db.selectFrom('public_pow_spent').select('challenge_id').where('challenge_id', '=', c.id).executeTakeFirst();
  if (spent) throw replayed();
}

/** Marks a challenge used, in the filing's transaction; a second use is refused. */
export async function spendChallenge(db: Db, clock: Clock, c: VerifiedChallenge): Promise<void> {
  const inserted = await db
    .insertInto('public_pow_spent')
    .values({ challenge_id: c.id, expires_at: c.expiresAt })
    .onConflict((oc) => oc.column('challenge_id').doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) throw replayed();
  // Spent challenges are needed only until they expire.
  await db.deleteFrom('public_pow_spent').where('expires_at', '<', clock.now().toISOString()).execute();
}
