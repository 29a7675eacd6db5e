import type { OutboxItem } from './types.js';

const MB = 1024 * 1024;
/** Warn when the origin has used this share of its quota… */
export const WARN_USED_SHARE = 0.8;
/** …or has less than this left (small quotas in some WebViews). */
export const WARN_FREE_BYTES = 50 * MB;
/** Warn when this much waits in the outbox (photos not yet uploaded, plus bodies), with or without the Storage API. */
export const WARN_OUTBOX_BYTES = 40 * MB;
export const WARN_OUTBOX_ITEMS = 100;

export interface StorageEstimateLike {
  usage?: number;
  quota?: number;
}

export type StorageWarning =
  | { kind: 'quota'; pct: number; freeMb: number }
  | { kind: 'outbox'; items: number; mb: number }
  | null;

/** Bytes the outbox holds on the phone: photos still to upload, and the action bodies. */
export function outboxBytes(items: OutboxItem[]): number {
  let n = 0;
  for (const i of items) {
    n += JSON.stringify(i.body ?? null).length;
    for (const p of i.photos) if (!p.uploadedId) n += p.blob?.size ?? 0;
  }
  return n;
}

/**
 * THE storage-warning rule: warn before the phone's storage runs out, so the person sends what
 * waits (connects to Wi-Fi) before a capture fails. The quota check needs the Storage API
 * (navigator.storage.estimate), which some WebViews lack; the outbox-size check always works.
 */
export function storageWarning(est: StorageEstimateLike | null, outbox: { items: number; bytes: number }): StorageWarning {
  if (est?.quota && est.usage != null) {
    const free = est.quota - est.usage;
    if (est.usage / est.quota >= WARN_USED_SHARE || free < WARN_FREE_BYTES) {
      return { kind: 'quota', pct: Math.round((est.usage / est.quota) * 100), freeMb: Math.max(0, Math.floor(free / MB)) };
    }
  }
  if (outbox.bytes >= WARN_OUTBOX_BYTES || outbox.items >= WARN_OUTBOX_ITEMS) {
    return { kind: 'outbox', items: outbox.items, mb: Math.round(outbox.bytes / MB) };
  }
  return null;
}

/** IndexedDB refused a write because the origin's storage is full. */
export function isQuotaError(e: unknown): boolean {
  const err = e as { name?: string; code?: number } | null;
  return err?.name === 'QuotaExceededError' || (err?.name === 'DOMException' && err.code === 22);
}

/** The Storage API's estimate, or null where the browser has none (or it fails). */
export async function estimateStorage(): Promise<StorageEstimateLike | null> {
  try {
    const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
    if (!storage || typeof storage.estimate !== 'function') return null;
    return await storage.estimate();
  } catch {
    return null;
  }
}
