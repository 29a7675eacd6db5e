import { ApiError } from '../api.js';
import { classify, errorOf, PHOTO_TOKEN_PREFIX, withCaptureTime } from './rules.js';
import { enqueue, hasPending, newKey, type Capture } from './outbox.js';
import { photosIn } from './pending-photos.js';

/** How long a page waits for the server's answer before keeping the action in the outbox. */
export const DIRECT_TIMEOUT_MS = 20_000;

export type Sent<T> = { queued: false; value: T } | { queued: true; seq: number };

function hasPendingPhoto(body: unknown): boolean {
  return JSON.stringify(body ?? null).includes(PHOTO_TOKEN_PREFIX);
}

/**
 * Sends a field action now when it can, with an Idempotency-Key fixed before the first try;
 * when the phone is offline, a photo is still waiting, older actions still wait in the outbox,
 * or the server does not answer (or 5xx, or not within DIRECT_TIMEOUT_MS),
 * the action goes to the outbox with the SAME key and is sent later. A 4xx answer is thrown
 * as ApiError, as before, so the page can show it on the form.
 */
export async function sendOrQueue<T>(c: Capture): Promise<Sent<T>> {
  const key = c.key ?? newKey();
  const capturedAt = c.capturedAt ?? new Date().toISOString();
  c = { ...c, capturedAt, body: withCaptureTime(c.body, c.path, capturedAt), photos: [...(c.photos ?? []), ...photosIn(c.body)] };
  const offline = typeof navigator !== 'undefined' && navigator.onLine === false;
  // Older actions still waiting go first (a check-in before the inspection it backs): sent now, this
  // one would overtake them, so it queues behind them and the outbox sends all in capture order.
  if (offline || hasPendingPhoto(c.body) || c.photos?.length || (await hasPending())) return { queued: true, seq: await enqueue({ ...c, key }) };
  let status = 0;
  let body: unknown = null;
  // A weak signal may take the request and never answer: the person is not kept waiting past
  // DIRECT_TIMEOUT_MS; the action goes to the outbox with the same key (a copy the server did
  // store is answered from its key, not stored twice).
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), DIRECT_TIMEOUT_MS);
  try {
    const res = await fetch(c.path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(c.body),
      signal: abort.signal,
    });
    const text = await res.text();
    status = res.status;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
  } catch {
    /* no (whole) answer: queued below */
    status = 0;
  } finally {
    clearTimeout(timer);
  }
  const outcome = classify(status);
  if (outcome === 'sent') return { queued: false, value: body as T };
  if (outcome === 'retry' && status !== 401) return { queued: true, seq: await enqueue({ ...c, key }) };
  const e = errorOf({ status, body });
  const details = (body as { error?: { details?: unknown } } | null)?.error?.details ?? null;
  throw new ApiError(status, e.code, e.message, details);
}
