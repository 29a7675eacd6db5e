import { assertUnderLease } from '../domain/jobs/lease.js';
import {
  type ClaimedDelivery,
  claimDueDeliveries,
  DEFAULT_RETRY,
  finishDelivery,
  type RetryPolicy,
} from '../domain/notifications/deliveries.js';
import { toUpdate, type UpdateFacts } from '../domain/open311/updates.js';
import { DELIVERY_HEADER, deliveryTarget, JURISDICTION_HEADER, SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from '../domain/open311/webhooks.js';
import type { JobDeps } from './index.js';
import { OutboundError, postOutbound } from './outbound-http.js';
import { leasedPoller, type Poller } from './poller.js';

export const OPEN311_WEBHOOKS_INTERVAL_MS = 5000;
const TABLE = 'open311_deliveries';

export interface Open311WebhookOptions {
  intervalMs?: number;
  batchSize?: number;
  /** Per-request timeout; a timeout counts as a failed attempt. */
  timeoutMs?: number;
  retry?: RetryPolicy;
  random?: () => number;
}

type Outcome = Parameters<typeof finishDelivery>[3];

/**
 * Sends the Open311 integrations' webhook outbox (rows enqueued with each public change, see
 * src/domain/open311/webhooks.ts). One runner across instances (the job lease); each round claims
 * due rows (FOR UPDATE SKIP LOCKED on PostgreSQL, shared with the WeCom outbox), POSTs each
 * update signed with its key's secret through the outbound guard (https only unless allowed, no
 * internal address unless allow-listed, no redirects, a timeout and a size cap), and records the
 * outcome: sent on a 2xx, else retried with exponential backoff and jitter, failed after
 * retry.maxAttempts. A revoked key's deliveries are skipped, and so are those the key may no
 * longer hear of (deliveryTarget: a subdistrict taken off it, its scope narrowed to own). The
 * secret is never logged or stored outside its key row.
 */
export function open311WebhookPoller(deps: JobDeps, o: Open311WebhookOptions = {}): Poller {
  const timeoutMs = o.timeoutMs ?? 5000;
  const batch = o.batchSize ?? 10;
  const retry = o.retry ?? DEFAULT_RETRY;
  const claimMs = timeoutMs * batch + 60_000;
  const mediaBase = deps.config.publicUrl ? `${deps.config.publicUrl}/open311/v2` : null;

  const attempt = async (row: ClaimedDelivery): Promise<Outcome> => {
    const target = await deliveryTarget(deps.db, row.id);
    if (!target || target.revoked_at || !target.webhook_url || !target.webhook_secret) return { status: 'skipped', reason: 'key revoked or without webhook' };
    // The key was narrowed after the change was queued (subdistricts, or scope now own): it hears no more of it.
    if (target.outOfScope) return { status: 'skipped', reason: target.outOfScope };
    // Marked abusive after the change was queued: the public no longer sees it, so neither does the integration.
    if (Number(target.abusive ?? 0) === 1) return { status: 'skipped', reason: 'report marked abusive' };
    const body = JSON.stringify([toUpdate(JSON.parse(row.payload) as UpdateFacts, mediaBase)]);
    const timestamp = Math.floor(deps.clock.now().getTime() / 1000);
    const headers = {
      [TIMESTAMP_HEADER]: String(timestamp),
      [SIGNATURE_HEADER]: signWebhook(target.webhook_secret, timestamp, body),
      [DELIVERY_HEADER]: row.id,
      [JURISDICTION_HEADER]: `${target.district_code}${target.code}`,
      'user-agent': 'closeloop-webhooks/1',
    };
    try {
      const res = await postOutbound(target.webhook_url, body, deps.config.outbound, { timeoutMs, headers });
      if (res.status >= 200 && res.status < 300) return { status: 'sent', responseCode: res.status };
      return { status: 'error', error: `HTTP ${res.status}`, responseCode: res.status };
    } catch (err) {
      const e = err as Error;
      const error = e instanceof OutboundError ? (e.kind === 'refused' ? `refused: ${e.message}` : e.message) : `network error: ${e.message}`;
      return { status: 'error', error, responseCode: null };
    }
  };

  return leasedPoller(deps, 'open311-webhooks', o.intervalMs ?? OPEN311_WEBHOOKS_INTERVAL_MS, async ({ lease }) => {
    const underLease = <T>(fn: (trx: typeof deps.db) => Promise<T>) =>
      deps.db.transaction().execute(async (trx) => {
        await assertUnderLease(trx, deps.clock, lease);
        return fn(trx);
      });
    const rows = await underLease((trx) => claimDueDeliveries(trx, deps.clock, batch, claimMs, TABLE));
    for (const row of rows) {
      const outcome = await attempt(row);
      await underLease((trx) => finishDelivery(trx, deps.clock, row, outcome, retry, o.random, TABLE));
    }
    return rows.length;
  });
}
