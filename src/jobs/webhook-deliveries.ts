import {
  type ClaimedDelivery,
  claimDueDeliveries,
  DEFAULT_RETRY,
  deferDelivery,
  finishDelivery,
  type RetryPolicy,
  robotFor,
  skipRowsWithoutUrl,
} from '../domain/notifications/deliveries.js';
import { createHash } from 'node:crypto';
import { type RatePolicy, takeToken, WECOM_ROBOT_RATE } from '../domain/jobs/rate-budget.js';
import { wecomOutcome } from '../domain/notifications/wecom.js';
import { type OutboundPolicy, STRICT_OUTBOUND } from '../domain/shared/outbound-policy.js';
import { OutboundError, postOutbound } from './outbound-http.js';
import type { JobDeps } from './index.js';
import { createPoller, type Poller } from './poller.js';

/**
 * A WeCom group robot accepts at most 20 messages a minute (errcode 45009 beyond that): each
 * message first takes a token from that robot's budget, shared in the database by every instance
 * (so two instances together still send at most 20 a minute); a backlog drains at that pace.
 *
 * Each subdistrict's messages go to one robot, so a round claims at most DEFAULT_PER_ROBOT rows of
 * each subdistrict (what a robot's budget refills in one round) and up to DEFAULT_BATCH in all: a
 * subdistrict's backlog, however old, never keeps another subdistrict's messages waiting. A row
 * that finds its robot's budget empty is held (with the rest of its subdistrict's queue) until the
 * bucket has a token again, so the rounds in between take the other robots' rows.
 */
export const DEFAULT_PER_ROBOT = 2;
export const DEFAULT_BATCH = 50;
export const DEFAULT_INTERVAL_MS = 6000;

export interface WebhookJobOptions {
  intervalMs?: number;
  batchSize?: number;
  /** Rows of one subdistrict (one robot) a round claims at most. */
  perRobot?: number;
  /** Per-request timeout; a timeout counts as a failed attempt. */
  timeoutMs?: number;
  retry?: RetryPolicy;
  random?: () => number;
  /** Each robot URL's budget (default: WeCom's 20 a minute). */
  rate?: RatePolicy;
}

/** The budget key of a robot: a hash, so the URL's secret key is not copied into another table. */
export const robotBudgetKey = (url: string) => `wecom:${createHash('sha256').update(url).digest('hex').slice(0, 32)}`;

/**
 * POSTs one message to the robot through the outbound guard (https, no internal address unless
 * allow-listed, no redirects, a timeout and a size cap); resolves to the error text, or null
 * when delivered.
 */
export async function postToRobot(url: string, payload: string, timeoutMs: number, policy: OutboundPolicy = STRICT_OUTBOUND): Promise<string | null> {
  try {
    const res = await postOutbound(url, payload, policy, { timeoutMs });
    const outcome = wecomOutcome(res.status, res.text);
    return outcome.ok ? null : outcome.error;
  } catch (err) {
    const e = err as Error;
    if (e instanceof OutboundError) return e.kind === 'refused' ? `refused: ${e.message}` : e.message;
    return `network error: ${e.message}`;
  }
}

/**
 * Delivers the webhook outbox (rows written by notify()). Each round claims due rows, posts
 * each with a timeout, and marks it sent, or reschedules it with exponential backoff and
 * jitter, or after retry.maxAttempts marks it failed (listed for admins).
 */
export function webhookDeliveryPoller(deps: JobDeps, o: WebhookJobOptions = {}): Poller {
  const timeoutMs = o.timeoutMs ?? 5000;
  const batch = o.batchSize ?? DEFAULT_BATCH;
  const perRobot = o.perRobot ?? DEFAULT_PER_ROBOT;
  const retry = o.retry ?? DEFAULT_RETRY;
  const rate = o.rate ?? WECOM_ROBOT_RATE;
  // Robots are posted to side by side, each robot's rows one after another: the claim outlives the
  // longest of those, so a live worker's rows are never taken over.
  const leaseMs = timeoutMs * Math.min(batch, perRobot) + 60_000;
  // The bucket held less than one token when a take failed: one more is there at the latest this long after.
  const tokenMs = Math.ceil(1 / rate.perMs);

  /** One subdistrict's claimed rows, in order; once its robot's budget is spent the rest wait for the next token. */
  const deliverAll = async (rows: ClaimedDelivery[]) => {
    let handled = 0;
    let refillAt: string | null = null;
    for (const row of rows) {
      if (refillAt) {
        await deferDelivery(deps.db, deps.clock, row, refillAt);
        continue;
      }
      const url = await robotFor(deps.db, row.id, deps.config.wecomWebhookUrl);
      if (!url) {
        await finishDelivery(deps.db, deps.clock, row, { status: 'skipped' }, retry, o.random);
      } else if (!(await takeToken(deps.db, deps.clock, robotBudgetKey(url), rate))) {
        refillAt = new Date(deps.clock.now().getTime() + tokenMs).toISOString();
        await deferDelivery(deps.db, deps.clock, row, refillAt);
        continue;
      } else {
        const error = await postToRobot(url, row.payload, timeoutMs, deps.config.outbound);
        await finishDelivery(deps.db, deps.clock, row, error ? { status: 'error', error } : { status: 'sent' }, retry, o.random);
      }
      handled++;
    }
    return handled;
  };

  return createPoller({
    name: 'webhook-deliveries',
    intervalMs: o.intervalMs ?? DEFAULT_INTERVAL_MS,
    clock: deps.clock,
    logger: deps.logger,
    poll: async () => {
      const skipped = deps.config.wecomWebhookUrl ? 0 : await skipRowsWithoutUrl(deps.db, deps.clock);
      const rows = await claimDueDeliveries(deps.db, deps.clock, batch, leaseMs, 'webhook_deliveries', perRobot);
      const bySubdistrict = new Map<string, ClaimedDelivery[]>();
      for (const row of rows) bySubdistrict.set(row.subdistrict_id, [...(bySubdistrict.get(row.subdistrict_id) ?? []), row]);
      // A slow or unreachable robot holds up only its own subdistrict's rows.
      const handled = await Promise.all([...bySubdistrict.values()].map(deliverAll));
      return skipped + handled.reduce((a, b) => a + b, 0);
    },
  });
}
