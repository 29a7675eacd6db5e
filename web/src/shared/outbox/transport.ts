import { plausiblePoint, plausibleTakenAt } from '../capture-exif.js';
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

async function call(path: string, init: RequestInit): Promise<SendResult> {
  try {
    return await answer(await fetch(path, { credentials: 'same-origin', ...init }));
  } catch {
    return { status: 0, body: null };
  }
}

/** Photo form: the (re-encoded) file plus the ORIGINAL EXIF time/GPS as fallbacks. */
export function photoForm(p: Pick<OutboxPhoto, 'blob' | 'name' | 'takenAt' | 'lat' | 'lng'>): FormData {
  const form = new FormData();
  const takenAt = plausibleTakenAt(p.takenAt);
  if (takenAt) form.append('exifTakenAt', takenAt);
  const at = plausiblePoint(p.lat, p.lng);
  if (at) {
    form.append('exifLat', String(at.lat));
    form.append('exifLng', String(at.lng));
  }
  form.append('file', p.blob, p.name);
  return form;
}

/** Same-origin fetch; every action carries its capture-time Idempotency-Key. */
export const fetchTransport: OutboxTransport = {
  uploadPhoto: (p) => call('/api/photos', { method: 'POST', body: photoForm(p) }),
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
