import { SESSION_ENDED_EVENT } from '../api.js';
import { appendCaptureExif } from '../capture-exif.js';
import type { OutboxItem, OutboxPhoto, OutboxTransport, SendResult } from './types.js';

async function answer(res: Response): Promise<SendResult> {
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  return { status: res.status, body };
}

/**
 * How long the outbox waits for one answer. A phone network can take a request and never answer
 * (a dead cell, a stuck proxy) and fetch has no limit of its own: without one, a single hung
 * request held the whole outbox (one run at a time) until the app was restarted. Past the limit it
 * counts as no answer: retried later with the same Idempotency-Key, so an action the server did
 * store is not stored twice. A photo (≤ 400 KB) gets longer, for a slow link.
 */
export const ACTION_TIMEOUT_MS = 45_000;
export const PHOTO_TIMEOUT_MS = 180_000;

async function call(path: string, init: RequestInit, timeoutMs = ACTION_TIMEOUT_MS): Promise<SendResult> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const res = await answer(await fetch(path, { credentials: 'same-origin', ...init, signal: abort.signal }));
    // The session ended while actions waited: the app goes to sign-in, which shows whose they are.
    const code = (res.body as { error?: { code?: string } } | null)?.error?.code;
    if (res.status === 401 && code === 'unauthenticated' && typeof window !== 'undefined') window.dispatchEvent(new Event(SESSION_ENDED_EVENT));
    return res;
  } catch {
    return { status: 0, body: null };
  } finally {
    clearTimeout(timer);
  }
}

/** Photo form: the (re-encoded) file plus the ORIGINAL EXIF time/GPS as fallbacks. */
export function photoForm(p: Pick<OutboxPhoto, 'blob' | 'name' | 'takenAt' | 'lat' | 'lng'>): FormData {
  const form = new FormData();
  appendCaptureExif(form, { takenAt: 'exifTakenAt', lat: 'exifLat', lng: 'exifLng' }, p);
  form.append('file', p.blob, p.name);
  return form;
}

const EXIF_FIELDS = ['exifTakenAt', 'exifLat', 'exifLng'];

/** Whether an upload was refused only for the original's EXIF (a phone clock far ahead of the server's). */
export function refusedForExif(r: SendResult): boolean {
  if (r.status !== 400) return false;
  const fields = (r.body as { error?: { details?: { fields?: { field?: string }[] } } } | null)?.error?.details?.fields ?? [];
  return fields.length > 0 && fields.every((f) => EXIF_FIELDS.includes(f.field ?? ''));
}

/**
 * Uploads a photo; refused only for its EXIF fallbacks (the server bounds them by its own clock),
 * it is sent again without them rather than left stuck in the outbox: the server then keeps its
 * own receipt time.
 */
export async function uploadWithExifFallback(send: (form: FormData) => Promise<SendResult>, p: Pick<OutboxPhoto, 'blob' | 'name' | 'takenAt' | 'lat' | 'lng'>): Promise<SendResult> {
  const first = await send(photoForm(p));
  return refusedForExif(first) ? send(photoForm({ ...p, takenAt: null, lat: null, lng: null })) : first;
}

/** Same-origin fetch; every action carries its capture-time Idempotency-Key. */
export const fetchTransport: OutboxTransport = {
  uploadPhoto: (p) => uploadWithExifFallback((body) => call('/api/photos', { method: 'POST', body }, PHOTO_TIMEOUT_MS), p),
  send: (item, body) =>
    call(item.path, {
      method: item.method,
      headers: { 'content-type': 'application/json', 'idempotency-key': item.key },
      body: JSON.stringify(body),
    }),
  async currentState(item: OutboxItem) {
    const m = /^\/api\/(cases|enforcement\/cases)\/([^/]+)\//.exec(item.path);
    if (!m) return null;
    const res = await call(`/api/${m[1]}/${m[2]}`, { method: 'GET' });
    return res.status === 200 ? res.body : null;
  },
};
