import {
  type ClaimedDelivery,
  claimDueDeliveries,
  DEFAULT_RETRY,
  finishDelivery,
  type RetryPolicy,
  robotFor,
  skipRowsWithoutUrl,
  unclaimDelivery,
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
 */
export const DEFAULT_BATCH = 2;
export const DEFAULT_INTERVAL_MS = 6000;

export interface WebhookJobOptions {
  intervalMs?: number;
  batchSize?: number;
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
  const retry = o.retry ?? DEFAULT_RETRY;
  // The claim outlives any one round of posts, so a live worker's rows are never taken over.
  const leaseMs = timeoutMs * batch + 60_000;

  const deliver = async (row: ClaimedDelivery) => {
    const url = await robotFor(deps.db, row.id, deps.config.wecomWebhookUrl);
    if (!url) return finishDelivery(deps.db, deps.clock, row, { status: 'skipped' }, retry, o.random);
    if (!(await takeToken(deps.db, deps.clock, robotBudgetKey(url), o.rate ?? WECOM_ROBOT_RATE))) {
      await unclaimDelivery(deps.db, deps.clock, row);
      return 'deferred' as const;
    }
    const error = await postToRobot(url, row.payload, timeoutMs, deps.config.outbound);
    return finishDelivery(deps.db, deps.clock, row, error ? { status: 'error', error } : { status: 'sent' }, retry, o.random);
  };

  return createPoller({
    name: 'webhook-deliveries',
    intervalMs: o.intervalMs ?? DEFAULT_INTERVAL_MS,
    clock: deps.clock,
    logger: deps.logger,
    poll: async () => {
      const skipped = deps.config.wecomWebhookUrl ? 0 : await skipRowsWithoutUrl(deps.db, deps.clock);
      const rows = await claimDueDeliveries(deps.db, deps.clock, batch, leaseMs);
      let handled = 0;
      for (const row of rows) if ((await deliver(row)) !== 'deferred') handled++;
      return skipped + handled;
    },
  });
}
