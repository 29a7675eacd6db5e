import { ApiError } from '../api.js';
import { IdbStore } from './idb-store.js';
import { MemoryStore } from './memory-store.js';
import { flush, type FlushReport } from './queue.js';
import { PHOTO_TOKEN_PREFIX, withCaptureTime } from './rules.js';
import { isQuotaError } from './storage.js';
import { fetchTransport } from './transport.js';
import type { OutboxItem, OutboxPhoto, OutboxStore } from './types.js';
import { randomId } from '../random-id.js';

let store: OutboxStore | null = null;
function getStore(): OutboxStore {
  if (!store) store = typeof indexedDB === 'undefined' ? new MemoryStore() : new IdbStore();
  return store;
}

const listeners = new Set<(items: OutboxItem[]) => void>();
let snapshot: OutboxItem[] = [];

async function refresh() {
  snapshot = (await getStore().all()).sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  for (const l of listeners) l(snapshot);
}

export function subscribe(fn: (items: OutboxItem[]) => void): () => void {
  listeners.add(fn);
  fn(snapshot);
  void refresh();
  return () => listeners.delete(fn);
}

export function newKey(): string {
  return `fld-${randomId()}`;
}

/** A photo kept on the phone until it can be uploaded; its token stands for its id in a body. */
export function pendingPhoto(p: Omit<OutboxPhoto, 'token'>): OutboxPhoto {
  return { ...p, token: `${PHOTO_TOKEN_PREFIX}${randomId()}` };
}

export interface Capture {
  label: string;
  path: string;
  body: unknown;
  photos?: OutboxPhoto[];
  key?: string;
  position?: OutboxItem['position'];
  /** When the action was captured (default: now); also stamped into the body (rules.withCaptureTime). */
  capturedAt?: string;
}

/** Keeps an action on the phone. A full storage is said plainly (storage_full): the action was NOT kept. */
export async function enqueue(c: Capture): Promise<number> {
  const capturedAt = c.capturedAt ?? new Date().toISOString();
  const seq = await getStore().add({
    key: c.key ?? newKey(),
    label: c.label,
    method: 'POST',
    path: c.path,
    body: withCaptureTime(c.body, c.path, capturedAt),
    photos: c.photos ?? [],
    capturedAt,
    position: c.position ?? null,
    state: 'pending',
    attempts: 0,
    nextAttemptAt: 0,
    lastError: null,
    serverState: null,
  }).catch((e: unknown) => {
    if (isQuotaError(e)) throw new ApiError(0, 'storage_full', 'phone storage is full: not saved', null);
    throw e;
  });
  await refresh();
  schedule(0);
  return seq;
}

/** Whether actions captured earlier still wait to be sent: a new one then queues behind them (capture order). */
export async function hasPending(): Promise<boolean> {
  return (await getStore().all()).some((i) => i.state === 'pending');
}

export async function discard(seq: number) {
  await getStore().remove(seq);
  await refresh();
}

/** Puts a needs-attention item back in the queue (e.g. after signing in again). */
export async function retry(seq: number) {
  const item = (await getStore().all()).find((i) => i.seq === seq);
  if (!item) return;
  await getStore().put({ ...item, state: 'pending', nextAttemptAt: 0 });
  await refresh();
  schedule(0);
}

/**
 * Fixes a needs-attention item (e.g. adds the off-site reason the server asked for) and puts it
 * back in the queue with its key, photos (already uploaded ones stay uploaded) and capture time.
 */
export async function amend(seq: number, patch: Record<string, unknown>) {
  const item = (await getStore().all()).find((i) => i.seq === seq);
  if (!item || item.state !== 'attention') return;
  const body = { ...(item.body as Record<string, unknown>), ...patch };
  await getStore().put({ ...item, body, state: 'pending', nextAttemptAt: 0, lastError: null });
  await refresh();
  schedule(0);
}

let running: Promise<FlushReport> | null = null;
let timer: ReturnType<typeof setTimeout> | null = null;

/** Sends what is pending now (one run at a time). */
export function syncNow(force = false): Promise<FlushReport> {
  if (running) return running;
  running = (async () => {
    try {
      return await flush(getStore(), fetchTransport, Date.now, force);
    } finally {
      running = null;
      await refresh();
      const next = snapshot.filter((i) => i.state === 'pending').map((i) => i.nextAttemptAt);
      if (next.length) schedule(Math.max(1000, Math.min(...next) - Date.now()));
    }
  })();
  return running;
}

function schedule(ms: number) {
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => {
    timer = null;
    if (typeof navigator === 'undefined' || navigator.onLine !== false) void syncNow();
  }, ms);
}

let started = false;
/** Starts automatic sending: now, when the connection returns, and on a backoff timer. */
export function startOutbox() {
  if (started || typeof window === 'undefined') return;
  started = true;
  window.addEventListener('online', () => void syncNow(true));
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && navigator.onLine) void syncNow(true);
  });
  void refresh().then(() => schedule(0));
}
