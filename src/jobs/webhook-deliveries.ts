import {
  type ClaimedDelivery,
  claimDueDeliveries,
  DEFAULT_RETRY,
  finishDelivery,
  type RetryPolicy,
  skipRowsWithoutUrl,
} from '../domain/notifications/deliveries.js';
import { wecomOutcome } from '../domain/notifications/wecom.js';
import type { JobDeps } from './index.js';
import { createPoller, type Poller } from './poller.js';

/**
 * A WeCom group robot accepts at most 20 messages a minute (errcode 45009 beyond that):
 * 2 messages every 6 s stays within it; a backlog drains at that pace, in order.
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
}

/** POSTs one message to the robot; resolves to the error text, or null when delivered. */
export async function postToRobot(url: string, payload: string, timeoutMs: number): Promise<string | null> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: payload,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    const outcome = wecomOutcome(res.status, text);
    return outcome.ok ? null : outcome.error;
  } catch (err) {
    const e = err as Error;
    return e.name === 'TimeoutError' ? `timeout after ${timeoutMs} ms` : `network error: ${e.message}`;
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
    const url = row.url ?? deps.config.wecomWebhookUrl;
    if (!url) return finishDelivery(deps.db, deps.clock, row, { status: 'skipped' }, retry, o.random);
    const error = await postToRobot(url, row.payload, timeoutMs);
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
      for (const row of rows) await deliver(row);
      return skipped + rows.length;
    },
  });
}
