import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Db } from '../../db/index.js';
import type { Clock } from '../shared/clock.js';

/**
 * One runner per job across instances: a lease row per job names its holder until an expiry.
 * The holder renews it every round; when an instance dies its lease simply runs out and the
 * next instance to try takes it over, bumping the fence. Writes a job makes "under the lease"
 * go through {@link assertLease} inside their transaction: it re-checks holder and fence and
 * locks the row until commit, so a stale runner (paused past its expiry, then resumed) can never
 * commit after a takeover — its transaction rolls back instead.
 *
 * Chosen over pg-boss/graphile-worker: our jobs are pollers over state that already lives in
 * rows (due times, cursors, outboxes), so a queue would duplicate that state; and a lease table
 * works on both engines, keeping the SQLite build and its tests on the same code path.
 */
export interface HeldLease {
  name: string;
  holder: string;
  fence: number;
}

/** What a job hands the domain function it runs: the lease it holds and the ttl to extend it by. */
export interface UnderLease {
  held: HeldLease;
  ttlMs: number;
}

export class LeaseLostError extends Error {
  constructor(readonly lease: HeldLease) {
    super(`job ${lease.name}: lease (fence ${lease.fence}) was taken over by another instance`);
  }
}

/** This process's identity as a lease holder (host, pid and a random part, unique per start). */
export function newHolderId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** Takes or renews the lease of `name` for `ttlMs`; null while another live holder has it. */
export async function acquireLease(db: Db, clock: Clock, name: string, holder: string, ttlMs: number): Promise<HeldLease | null> {
  const now = clock.now().getTime();
  const expires = now + ttlMs;
  const inserted = await db
    .insertInto('job_leases')
    .values({ name, holder, fence: 1, expires_ms: expires, last_success_ms: null, first_taken_ms: now })
    .onConflict((oc) => oc.column('name').doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return { name, holder, fence: 1 };
  // One conditional UPDATE: of two instances racing for an expired lease, only one matches.
  const row = await db
    .updateTable('job_leases')
    .set((eb) => ({
      fence: eb.case().when('holder', '=', holder).then(eb.ref('fence')).else(eb('fence', '+', 1)).end(),
      holder,
      expires_ms: expires,
    }))
    .where('name', '=', name)
    .where((eb) => eb.or([eb('holder', '=', holder), eb('expires_ms', '<', now)]))
    .returning('fence')
    .executeTakeFirst();
  return row ? { name, holder, fence: Number(row.fence) } : null;
}

/**
 * Inside the caller's transaction: proves the lease is still ours (same holder and fence) and
 * extends it, holding the row lock until commit. Throws LeaseLostError otherwise.
 */
export async function assertLease(trx: Db, clock: Clock, lease: HeldLease, ttlMs: number): Promise<void> {
  const res = await trx
    .updateTable('job_leases')
    .set({ expires_ms: clock.now().getTime() + ttlMs })
    .where('name', '=', lease.name)
    .where('holder', '=', lease.holder)
    .where('fence', '=', lease.fence)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) throw new LeaseLostError(lease);
}

/** {@link assertLease} when run by a job under its lease; nothing when called directly (a test, a command). */
export async function assertUnderLease(trx: Db, clock: Clock, under: UnderLease | undefined): Promise<void> {
  if (under) await assertLease(trx, clock, under.held, under.ttlMs);
}

/** Remembers a finished round (job lag counts from it). */
export async function recordLeaseSuccess(db: Db, clock: Clock, lease: HeldLease): Promise<void> {
  await db
    .updateTable('job_leases')
    .set({ last_success_ms: clock.now().getTime() })
    .where('name', '=', lease.name)
    .where('holder', '=', lease.holder)
    .where('fence', '=', lease.fence)
    .execute();
}

/**
 * A job's round marker: a second lease row, held only while a round of the job runs (the job's
 * own lease stays with its holder between rounds too, so one instance keeps running the job).
 * "Run now" needs the difference: it may run when no round is in progress anywhere, even though
 * a serving instance keeps the job's lease. `#` cannot occur in a job name.
 */
export const roundMarkerName = (name: string): string => `${name}#round`;

/** Whether a job_leases row is a round marker rather than a job's lease. */
export const isRoundMarker = (name: string): boolean => name.endsWith('#round');

/**
 * Takes the lease of `name` whoever keeps it, bumping the fence (unless it is ours already). Only
 * for a one-off round that holds the job's round marker: then no round of the job runs anywhere,
 * and a holder's next round finds the lease gone (and the fence guards any write of a holder
 * paused past its marker's expiry).
 */
export async function takeOverLease(db: Db, clock: Clock, name: string, holder: string, ttlMs: number): Promise<HeldLease> {
  const got = await acquireLease(db, clock, name, holder, ttlMs);
  if (got) return got;
  const row = await db
    .updateTable('job_leases')
    .set((eb) => ({
      fence: eb.case().when('holder', '=', holder).then(eb.ref('fence')).else(eb('fence', '+', 1)).end(),
      holder,
      expires_ms: clock.now().getTime() + ttlMs,
    }))
    .where('name', '=', name)
    .returning('fence')
    .executeTakeFirstOrThrow();
  return { name, holder, fence: Number(row.fence) };
}

/** Gives the lease up at once (clean shutdown), so another instance takes over without waiting. */
export async function releaseLease(db: Db, name: string, holder: string): Promise<void> {
  await db.updateTable('job_leases').set({ expires_ms: 0 }).where('name', '=', name).where('holder', '=', holder).execute();
}
