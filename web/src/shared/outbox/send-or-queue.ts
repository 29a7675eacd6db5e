import { ApiError } from '../api';
import { classify, errorOf, PHOTO_TOKEN_PREFIX, withCaptureTime } from './rules';
import { enqueue, newKey, type Capture } from './outbox';
import { photosIn } from './pending-photos';

export type Sent<T> = { queued: false; value: T } | { queued: true; seq: number };

function hasPendingPhoto(body: unknown): boolean {
  return JSON.stringify(body ?? null).includes(PHOTO_TOKEN_PREFIX);
}

/**
 * Sends a field action now when it can, with an Idempotency-Key fixed before the first try;
 * when the phone is offline, a photo is still waiting, or the server does not answer (or 5xx),
 * the action goes to the outbox with the SAME key and is sent later. A 4xx answer is thrown
 * as ApiError, as before, so the page can show it on the form.
 */
export async function sendOrQueue<T>(c: Capture): Promise<Sent<T>> {
  const key = c.key ?? newKey();
  const capturedAt = c.capturedAt ?? new Date().toISOString();
  c = { ...c, capturedAt, body: withCaptureTime(c.body, c.path, capturedAt), photos: [...(c.photos ?? []), ...photosIn(c.body)] };
  const offline = typeof navigator !== 'undefined' && navigator.onLine === false;
  if (offline || hasPendingPhoto(c.body) || c.photos?.length) return { queued: true, seq: await enqueue({ ...c, key }) };
  let status = 0;
  let body: unknown = null;
  try {
    const res = await fetch(c.path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(c.body),
    });
    status = res.status;
    const text = await res.text();
    body = text ? JSON.parse(text) : null;
  } catch {
    /* no answer: queued below */
  }
  const outcome = classify(status);
  if (outcome === 'sent') return { queued: false, value: body as T };
  if (outcome === 'retry' && status !== 401) return { queued: true, seq: await enqueue({ ...c, key }) };
  const e = errorOf({ status, body });
  const details = (body as { error?: { details?: unknown } } | null)?.error?.details ?? null;
  throw new ApiError(status, e.code, e.message, details);
}
