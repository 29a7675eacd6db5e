import type { Db } from '../../db/index.js';
import type { LoginPolicy } from '../auth/sign-in.js';
import { IDEMPOTENCY_WINDOW_MS as OPEN311_IDEMPOTENCY_WINDOW_MS } from '../open311/intake.js';
import { purgeEndedWindows } from '../rate-limits/client-limit.js';
import type { Clock } from '../shared/clock.js';

/**
 * Retention of operational tables. Only rows that exist to run the service are purged: expired
 * sessions, old sign-in events, stale throttle windows, ended rate-limit windows, old webhook and Open311 delivery logs and
 * Open311 idempotency keys past their replay window. The case history (cases, case events,
 * check-ins, enforcement records, audit log) is a record and is never purged.
 */
export interface RetentionPolicy {
  signInEventsDays: number;
  /**
   * The sign-in limits (config.login): a throttle row is what keeps a username locked for
   * `lockMs` and counts an address's failures for `windowMs`, so it is kept at least that long.
   * Without it, rows are kept a day (enough for the default 15-minute lock only).
   */
  signInThrottle?: Pick<LoginPolicy, 'lockMs' | 'windowMs'>;
}

/** Webhook deliveries that ended (sent or given up) are kept this long for the delivery log. */
export const WEBHOOK_DELIVERY_RETENTION_DAYS = 90;
/**
 * A throttle row counts for the lock time (a username) or the counting window (an address) from
 * its window_start; it is purged only once both have passed, and never sooner than this.
 */
const THROTTLE_MIN_KEEP_MS = 24 * 3600_000;
/** Rows deleted per table per round, so a large backlog never holds a long lock. */
export const PURGE_BATCH = 5_000;

const DAY_MS = 24 * 3600_000;

export interface PurgeCounts {
  sessions: number;
  signInEvents: number;
  signInThrottle: number;
  webhookDeliveries: number;
  open311Deliveries: number;
  open311Idempotency: number;
  rateLimitWindows: number;
}

export async function purgeExpired(db: Db, clock: Clock, policy: RetentionPolicy): Promise<PurgeCounts> {
  const now = clock.now().getTime();
  const iso = (msAgo: number) => new Date(now - msAgo).toISOString();
  const nowIso = new Date(now).toISOString();
  // LOGIN_LOCK_MINUTES has no upper bound: a 48-hour lock's row purged after a day would hand
  // an attacker a fresh set of guesses.
  const throttleStaleMs = Math.max(THROTTLE_MIN_KEEP_MS, policy.signInThrottle?.lockMs ?? 0, policy.signInThrottle?.windowMs ?? 0);
  const sessions = await db
    .deleteFrom('sessions')
    .where('id', 'in', (eb) => eb.selectFrom('sessions').select('id').where('expires_at', '<=', nowIso).limit(PURGE_BATCH))
    .executeTakeFirst();
  const signInEvents = await db
    .deleteFrom('sign_in_events')
    .where('id', 'in', (eb) => eb.selectFrom('sign_in_events').select('id').where('at', '<', iso(policy.signInEventsDays * DAY_MS)).limit(PURGE_BATCH))
    .executeTakeFirst();
  const signInThrottle = await db
    .deleteFrom('sign_in_throttle')
    .where('key', 'in', (eb) => eb.selectFrom('sign_in_throttle').select('key').where('window_start', '<', iso(throttleStaleMs)).limit(PURGE_BATCH))
    .executeTakeFirst();
  const webhookDeliveries = await db
    .deleteFrom('webhook_deliveries')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('status', 'in', ['sent', 'failed', 'skipped'])
        .where('next_attempt_at', '<', iso(WEBHOOK_DELIVERY_RETENTION_DAYS * DAY_MS))
        .limit(PURGE_BATCH),
    )
    .executeTakeFirst();
  const open311Deliveries = await db
    .deleteFrom('open311_deliveries')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('open311_deliveries')
        .select('id')
        .where('status', 'in', ['sent', 'failed', 'skipped'])
        .where('updated_at', '<', iso(WEBHOOK_DELIVERY_RETENTION_DAYS * DAY_MS))
        .limit(PURGE_BATCH),
    )
    .executeTakeFirst();
  // A key past its window is never replayed (intake.ts replaces it): nothing reads it any more.
  // Deleting it deletes the filing's plain tracking token too, its only copy (open311_requests keeps the hash).
  const open311Idempotency = await db.deleteFrom('open311_idempotency').where('created_at', '<', iso(OPEN311_IDEMPOTENCY_WINDOW_MS + DAY_MS)).executeTakeFirst();
  const rateLimitWindows = await purgeEndedWindows(db, clock);
  return {
    sessions: Number(sessions.numDeletedRows),
    rateLimitWindows,
    open311Deliveries: Number(open311Deliveries.numDeletedRows),
    open311Idempotency: Number(open311Idempotency.numDeletedRows),
    signInEvents: Number(signInEvents.numDeletedRows),
    signInThrottle: Number(signInThrottle.numDeletedRows),
    webhookDeliveries: Number(webhookDeliveries.numDeletedRows),
  };
}
