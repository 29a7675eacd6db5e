import { ApiError } from '../api.js';
import { IdbStore } from './idb-store.js';
import { MemoryStore } from './memory-store.js';
import { ownedBy, unowned } from './owner.js';
import { flush, type FlushReport } from './queue.js';
import { PHOTO_TOKEN_PREFIX, withCaptureTime } from './rules.js';
import { isQuotaError } from './storage.js';
import { fetchTransport } from './transport.js';
import type { OutboxItem, OutboxPhoto, OutboxStore, OutboxTransport } from './types.js';
import { randomId } from '../random-id.js';

let store: OutboxStore | null = null;
function getStore(): OutboxStore {
  if (!store) store = typeof indexedDB === 'undefined' ? new MemoryStore() : new IdbStore();
  return store;
}

/**
 * The person whose session the app has confirmed (GET /api/me), or null: signed out, or the server
 * out of reach. Only their actions are captured, sent, amended or discarded (owner.ts).
 */
let owner: string | null = null;

/**
 * Tells the outbox whose session is confirmed (null: nobody's). A person signing in (again) gets
 * their waiting actions sent at once, backoff or not; actions from before owners go to them.
 */
export async function setOutboxOwner(id: string | null) {
  if (id === owner) return;
  owner = id;
  if (!id) return;
  for (const item of unowned(await getStore().all())) {
    if (owner !== id) return;
    await getStore().put({ ...item, owner: id });
  }
  await refresh();
  if (owner === id) schedule(0, true);
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

/**
 * Keeps an action on the phone, as the confirmed person's. A full storage is said plainly
 * (storage_full): the action was NOT kept; so is a session nobody confirmed (unauthenticated).
 */
export async function enqueue(c: Capture): Promise<number> {
  const capturedAt = c.capturedAt ?? new Date().toISOString();
  if (!owner) throw new ApiError(401, 'unauthenticated', 'no confirmed session: not saved', null);
  const seq = await getStore().add({
    owner,
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

/**
 * Whether actions this person captured earlier still wait to be sent: a new one then queues behind
 * them (capture order). Someone else's waiting actions do not hold theirs back.
 */
export async function hasPending(): Promise<boolean> {
  return (await getStore().all()).some((i) => i.state === 'pending' && ownedBy(i, owner));
}

/** One of the confirmed person's own actions (null for anyone else's: they may not change it). */
async function own(seq: number): Promise<OutboxItem | null> {
  const item = (await getStore().all()).find((i) => i.seq === seq);
  return item && ownedBy(item, owner) ? item : null;
}

export async function discard(seq: number) {
  if (!(await own(seq))) return;
  await getStore().remove(seq);
  await refresh();
}

/** Puts a needs-attention item back in the queue (e.g. after signing in again). */
export async function retry(seq: number) {
  const item = await own(seq);
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
  const item = await own(seq);
  if (!item || item.state !== 'attention') return;
  const body = { ...(item.body as Record<string, unknown>), ...patch };
  await getStore().put({ ...item, body, state: 'pending', nextAttemptAt: 0, lastError: null });
  await refresh();
  schedule(0);
}

let running: Promise<FlushReport> | null = null;
let timer: ReturnType<typeof setTimeout> | null = null;
/** A sending asked for past the backoff (the connection returned, someone signed in) while a run was busy or timed. */
let forceAsked = false;

/** The store as one person's run of sending sees it: their actions only. */
function ownedStore(store: OutboxStore, id: string): OutboxStore {
  return {
    add: (i) => store.add(i),
    all: async () => (await store.all()).filter((i) => ownedBy(i, id)),
    put: (i) => store.put(i),
    remove: (seq) => store.remove(seq),
  };
}

/**
 * The network for one person's run: once their session is no longer the confirmed one (signed
 * out, someone else signed in during a slow upload), the rest of the run is not sent with the new
 * cookie; it waits for them, as after a 401.
 */
function sendingAs(id: string): OutboxTransport {
  const notTheirs = { status: 401, body: { error: { code: 'unauthenticated', message: 'no longer the confirmed session' } } };
  return {
    uploadPhoto: async (p) => (owner === id ? fetchTransport.uploadPhoto(p) : notTheirs),
    send: async (item, body) => (owner === id ? fetchTransport.send(item, body) : notTheirs),
    currentState: (item) => fetchTransport.currentState(item),
  };
}

/** Sends the confirmed person's pending actions now (one run at a time); nobody's when no session is confirmed. */
export function syncNow(force = false): Promise<FlushReport> {
  if (running) {
    // Asked again mid-run (e.g. signing in while another session's run ends): one more run after it.
    forceAsked ||= force;
    return running;
  }
  const id = owner;
  if (!id) return Promise.resolve({ sent: 0, conflicts: 0, attention: 0, blocked: snapshot.some((i) => i.state === 'pending') });
  running = (async () => {
    try {
      return await flush(ownedStore(getStore(), id), sendingAs(id), Date.now, force);
    } finally {
      running = null;
      await refresh();
      const next = snapshot.filter((i) => i.state === 'pending' && ownedBy(i, owner)).map((i) => i.nextAttemptAt);
      if (forceAsked && next.length) schedule(0, true);
      else if (next.length) schedule(Math.max(1000, Math.min(...next) - Date.now()));
    }
  })();
  return running;
}

function schedule(ms: number, force = false) {
  if (timer) clearTimeout(timer);
  forceAsked ||= force;
  timer = setTimeout(() => {
    timer = null;
    const forced = forceAsked;
    forceAsked = false;
    if (typeof navigator === 'undefined' || navigator.onLine !== false) void syncNow(forced);
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
