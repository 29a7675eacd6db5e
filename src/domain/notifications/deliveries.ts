import { randomUUID } from 'node:crypto';
import { PostgresAdapter, sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { DeliveryStatus, WebhookDeliveryTable } from '../../db/schema.js';
import type { Clock } from '../shared/clock.js';

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** ±fraction of the delay, so many failing rows do not retry in lock-step. */
  jitter: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 30_000, maxDelayMs: 3600_000, jitter: 0.2 };

/** Delay before attempt n+1 after n failed attempts: base·2^(n−1), capped, with jitter. */
export function backoffMs(attempts: number, p: RetryPolicy, random: () => number = Math.random): number {
  const raw = Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(raw * (1 + p.jitter * (2 * random() - 1)));
}

export type ClaimedDelivery = Pick<WebhookDeliveryTable, 'id' | 'subdistrict_id' | 'url' | 'payload' | 'attempts' | 'claim_token'>;
const CLAIMED = ['id', 'subdistrict_id', 'url', 'payload', 'attempts', 'claim_token'] as const;

/**
 * The outboxes that share this claim/retry code: WeCom robot messages, and Open311 integrations'
 * signed webhooks. Both have the same delivery columns (id, url, payload, status, attempts,
 * next_attempt_at, claim_token, claimed_until, last_error, response_code, sent_at, updated_at).
 */
export type DeliveryOutbox = 'webhook_deliveries' | 'open311_deliveries';
// The shared columns are typed alike in both tables; queries are typed as the WeCom one's.
const outbox = (t: DeliveryOutbox) => t as 'webhook_deliveries';

const dueCondition = (nowIso: string) => (eb: any) =>
  eb.or([
    eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', nowIso)]),
    eb.and([eb('status', '=', 'sending'), eb('claimed_until', '<', nowIso)]),
  ]);

/**
 * The ids of the rows due now, oldest due first. With `perSubdistrict`, at most that many of each
 * subdistrict's (its robot's) oldest: one subdistrict's backlog, however old, cannot fill a claim
 * and hold back the messages of the others.
 */
function dueIdsQuery(db: Db, nowIso: string, limit: number | null, table: DeliveryOutbox, perSubdistrict?: number) {
  if (!perSubdistrict) {
    const q = db.selectFrom(outbox(table)).select('id').where(dueCondition(nowIso)).orderBy('next_attempt_at').orderBy('id');
    return limit === null ? q : q.limit(limit);
  }
  const ranked = db
    .selectFrom(outbox(table))
    .select(['id', 'next_attempt_at', sql<number>`row_number() over (partition by subdistrict_id order by next_attempt_at, id)`.as('place')])
    .where(dueCondition(nowIso))
    .as('r');
  const q = db.selectFrom(ranked).select('r.id').where('r.place', '<=', perSubdistrict).orderBy('r.next_attempt_at').orderBy('r.id');
  return limit === null ? q : q.limit(limit);
}

/** Ids of rows due now: pending and due, or left 'sending' by a worker whose lease ran out. */
export async function dueDeliveryIds(
  db: Db,
  clock: Clock,
  limit: number,
  table: DeliveryOutbox = 'webhook_deliveries',
  perSubdistrict?: number,
): Promise<string[]> {
  const rows = await dueIdsQuery(db, clock.now().toISOString(), limit, table, perSubdistrict).execute();
  return rows.map((r) => r.id);
}

/**
 * Claims those of `ids` that are still due, for one worker. The claim is one UPDATE that
 * re-checks the due condition, so when two processes race for a row only one update matches
 * it; each worker then reads back exactly the rows carrying its own fresh token.
 */
export async function claimDeliveries(db: Db, clock: Clock, ids: string[], leaseMs: number, table: DeliveryOutbox = 'webhook_deliveries'): Promise<ClaimedDelivery[]> {
  if (!ids.length) return [];
  const now = clock.now();
  const nowIso = now.toISOString();
  const token = randomUUID();
  await db
    .updateTable(outbox(table))
    .set((eb) => ({
      status: 'sending',
      claim_token: token,
      claimed_until: new Date(now.getTime() + leaseMs).toISOString(),
      attempts: eb('attempts', '+', 1),
      updated_at: nowIso,
    }))
    .where('id', 'in', ids)
    .where(dueCondition(nowIso))
    .execute();
  return db
    .selectFrom(outbox(table))
    .select(CLAIMED)
    .where('claim_token', '=', token)
    .where('status', '=', 'sending')
    .orderBy('id')
    .execute();
}

/**
 * Claims up to `limit` due rows for this worker (with `perSubdistrict`, at most that many of each
 * subdistrict: dueDeliveryIds). On PostgreSQL, one statement picks them with FOR UPDATE SKIP
 * LOCKED, so workers on several instances each take different rows without waiting on one
 * another; SQLite (one process) selects then claims.
 */
export async function claimDueDeliveries(
  db: Db,
  clock: Clock,
  limit: number,
  leaseMs: number,
  table: DeliveryOutbox = 'webhook_deliveries',
  perSubdistrict?: number,
): Promise<ClaimedDelivery[]> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) {
    return claimDeliveries(db, clock, await dueDeliveryIds(db, clock, limit, table, perSubdistrict), leaseMs, table);
  }
  const now = clock.now();
  const nowIso = now.toISOString();
  const token = randomUUID();
  const rows = await db
    .updateTable(outbox(table))
    .set((eb) => ({
      status: 'sending',
      claim_token: token,
      claimed_until: new Date(now.getTime() + leaseMs).toISOString(),
      attempts: eb('attempts', '+', 1),
      updated_at: nowIso,
    }))
    .where('id', 'in', (eb) => {
      let pick = eb.selectFrom(outbox(table)).select('id').where(dueCondition(nowIso));
      // The ranking reads without locks and is not cut at `limit`, so a worker skips the rows another
      // one holds and takes the next; the lock (and its re-check of the due condition) is on the rows picked.
      if (perSubdistrict) pick = pick.where('id', 'in', dueIdsQuery(db, nowIso, null, table, perSubdistrict));
      return pick.orderBy('next_attempt_at').limit(limit).forUpdate().skipLocked();
    })
    .returning(CLAIMED)
    .execute();
  // RETURNING has no order; ids are time-ordered (UUIDv7), so this is the order rows were written in.
  return rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Gives a claimed row back without an attempt (its robot's shared rate budget is spent) and holds
 * it until `untilIso`, when the budget has a token again — together with every other pending row
 * of its subdistrict due before then, which would meet the same empty budget. So the next claims
 * take other subdistricts' rows rather than these again and again, and the subdistrict's own
 * messages keep their order (one due time, then the id: the order they were written in).
 */
export async function deferDelivery(db: Db, clock: Clock, row: ClaimedDelivery, untilIso: string, table: DeliveryOutbox = 'webhook_deliveries'): Promise<void> {
  const nowIso = clock.now().toISOString();
  await db
    .updateTable(outbox(table))
    .set((eb) => ({ status: 'pending', claim_token: null, claimed_until: null, attempts: eb('attempts', '-', 1), next_attempt_at: untilIso, updated_at: nowIso }))
    .where('id', '=', row.id)
    .where('claim_token', '=', row.claim_token)
    .execute();
  await db
    .updateTable(outbox(table))
    .set({ next_attempt_at: untilIso, updated_at: nowIso })
    .where('subdistrict_id', '=', row.subdistrict_id)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<', untilIso)
    .execute();
}

/** Records the outcome of one attempt; only the worker still holding the claim may. */
export async function finishDelivery(
  db: Db,
  clock: Clock,
  row: ClaimedDelivery,
  outcome: { status: 'sent'; responseCode?: number } | { status: 'skipped'; reason?: string } | { status: 'error'; error: string; responseCode?: number | null },
  policy: RetryPolicy = DEFAULT_RETRY,
  random: () => number = Math.random,
  table: DeliveryOutbox = 'webhook_deliveries',
): Promise<DeliveryStatus> {
  const now = clock.now();
  const base: Partial<WebhookDeliveryTable> = { claim_token: null, claimed_until: null, updated_at: now.toISOString() };
  let status: DeliveryStatus;
  let set: Partial<WebhookDeliveryTable>;
  if (outcome.status === 'sent') {
    status = 'sent';
    set = { ...base, status, sent_at: now.toISOString(), last_error: null, response_code: outcome.responseCode ?? null };
  } else if (outcome.status === 'skipped') {
    status = 'skipped';
    set = { ...base, status, last_error: outcome.reason ?? 'no webhook URL configured' };
  } else {
    const error = outcome.error.slice(0, 500);
    base.response_code = outcome.responseCode ?? null;
    if (row.attempts >= policy.maxAttempts) {
      status = 'failed';
      set = { ...base, status, last_error: error };
    } else {
      status = 'pending';
      const next = new Date(now.getTime() + backoffMs(row.attempts, policy, random)).toISOString();
      set = { ...base, status, next_attempt_at: next, last_error: error };
    }
  }
  await db
    .updateTable(outbox(table))
    .set(set)
    .where('id', '=', row.id)
    .where('claim_token', '=', row.claim_token)
    .execute();
  return status;
}

/** With no global robot URL configured, rows meant for it are skipped in one statement. */
export async function skipRowsWithoutUrl(db: Db, clock: Clock): Promise<number> {
  const now = clock.now().toISOString();
  // Whether a robot is configured now, not when the message was queued (robotFor).
  const r = await db
    .updateTable('webhook_deliveries')
    .set({ status: 'skipped', last_error: 'no webhook URL configured', updated_at: now })
    .where('status', '=', 'pending')
    .where('subdistrict_id', 'not in', (eb) => eb.selectFrom('notification_webhooks').select('subdistrict_id').where('enabled', '=', 1))
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/**
 * The robot a queued message goes to when it is sent: its subdistrict's robot if enabled now,
 * else the instance's (`fallback`), else none. Resolved at send time, not copied when queued: a
 * robot an administrator disabled or removed (the wrong group, a leaked key) receives nothing
 * more, retries included.
 */
export async function robotFor(db: Db, deliveryId: string, fallback: string | null): Promise<string | null> {
  const row = await db
    .selectFrom('webhook_deliveries as d')
    .leftJoin('notification_webhooks as h', (j) => j.onRef('h.subdistrict_id', '=', 'd.subdistrict_id').on('h.enabled', '=', 1))
    .select('h.url')
    .where('d.id', '=', deliveryId)
    .executeTakeFirst();
  return row?.url ?? (fallback || null);
}
