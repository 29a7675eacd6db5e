import { backoffMs, classify, errorOf, substitutePhotos } from './rules.js';
import type { OutboxItem, OutboxStore, OutboxTransport } from './types.js';

export interface FlushReport {
  sent: number;
  conflicts: number;
  attention: number;
  /** True when something is still waiting (network/server down). */
  blocked: boolean;
}

/**
 * Sends pending actions strictly in capture order. A retryable failure stops the run (later
 * actions may depend on earlier ones, e.g. a check-in before an inspection); conflicts and
 * needs-attention items are set aside and the run goes on. Photos go first, each only once
 * (their ids are saved on the item), then the action with the ids substituted. The item's
 * Idempotency-Key never changes, so an action whose answer was lost is not applied twice.
 */
export async function flush(store: OutboxStore, transport: OutboxTransport, now: () => number = Date.now, force = false): Promise<FlushReport> {
  const report: FlushReport = { sent: 0, conflicts: 0, attention: 0, blocked: false };
  const items = (await store.all()).filter((i) => i.state === 'pending').sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  for (const item of items) {
    if (!force && item.nextAttemptAt > now()) {
      report.blocked = true;
      break;
    }
    const outcome = await sendOne(store, transport, item, now);
    if (outcome === 'sent') report.sent++;
    else if (outcome === 'conflict') report.conflicts++;
    else if (outcome === 'attention') report.attention++;
    else {
      report.blocked = true;
      break;
    }
  }
  return report;
}

async function fail(store: OutboxStore, item: OutboxItem, res: { status: number; body: unknown }, now: () => number) {
  item.attempts += 1;
  item.lastError = errorOf(res);
  item.nextAttemptAt = now() + backoffMs(item.attempts);
  await store.put(item);
}

async function sendOne(store: OutboxStore, transport: OutboxTransport, item: OutboxItem, now: () => number) {
  const ids = new Map<string, string>();
  for (const p of item.photos) {
    if (!p.uploadedId) {
      const res = await transport.uploadPhoto(p).catch(() => ({ status: 0, body: null }));
      const outcome = classify(res.status);
      if (outcome === 'retry') {
        await fail(store, item, res, now);
        return 'retry' as const;
      }
      if (outcome !== 'sent') {
        item.state = 'attention';
        item.lastError = errorOf(res);
        await store.put(item);
        return 'attention' as const;
      }
      p.uploadedId = (res.body as { id: string }).id;
      await store.put(item);
    }
    ids.set(p.token, p.uploadedId);
  }
  const res = await transport.send(item, substitutePhotos(item.body, ids)).catch(() => ({ status: 0, body: null }));
  const outcome = classify(res.status);
  if (outcome === 'sent') {
    await store.remove(item.seq as number);
    return outcome;
  }
  if (outcome === 'retry') {
    await fail(store, item, res, now);
    return outcome;
  }
  item.state = outcome;
  item.attempts += 1;
  item.lastError = errorOf(res);
  if (outcome === 'conflict') item.serverState = await transport.currentState(item).catch(() => null);
  await store.put(item);
  return outcome;
}
