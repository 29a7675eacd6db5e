import type { OutboxError } from './types.js';

/**
 * THE conflict rule of the field app, in one place (shown to the person on the outbox page):
 *
 * - 2xx (including a replayed Idempotency-Key) → sent; removed from the outbox.
 * - 409 (stale_version, transition_not_allowed, …: the server has moved on, e.g. the case was
 *   closed by someone else) → the action is NOT applied and NOT dropped: it moves to
 *   "conflicts" with the server's current state; the person decides (discard or redo).
 * - other 4xx (validation, not found, forbidden) → "needs attention", kept with the server's
 *   message and field reasons; never retried automatically (it would fail the same way). Where
 *   the app can fix it (a queued check-in that turned out off-site: add the reason), the person
 *   amends it on the outbox page and it is sent again with the SAME key (the server stores no
 *   answer for a refused request, so the amended body is accepted once).
 * - 401 → stays queued (its owner signs in again, then it is sent: owner.ts).
 * - 5xx, 408, 429, no answer (offline, server down) → stays queued, retried with backoff.
 */
export type Outcome = 'sent' | 'conflict' | 'attention' | 'retry';

export function classify(status: number): Outcome {
  if (status >= 200 && status < 300) return 'sent';
  if (status === 409) return 'conflict';
  if (status === 0 || status === 401 || status === 408 || status === 429 || status >= 500) return 'retry';
  return 'attention';
}

/** Backoff after `attempts` failures: 2 s, 4 s, 8 s … capped at 2 min. */
export function backoffMs(attempts: number): number {
  return Math.min(120_000, 2000 * 2 ** Math.max(0, attempts - 1));
}

export const PHOTO_TOKEN_PREFIX = 'outbox-photo:';

/** The body field in which each field endpoint takes the phone's capture time. */
export function captureTimeField(path: string): 'deviceTime' | 'deviceAt' {
  return /^\/api\/(checkins|inspections)(\/|$)/.test(path) ? 'deviceTime' : 'deviceAt';
}

/**
 * Every field action carries the moment it was captured on the phone (the server keeps it beside
 * its own receipt time and flags a late sync). Stamped here, once, when the action is captured —
 * never at sending time, which may be hours later — so no page can forget it. A time the page
 * set itself is kept.
 */
export function withCaptureTime(body: unknown, path: string, capturedAt: string): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const field = captureTimeField(path);
  const b = body as Record<string, unknown>;
  return b[field] == null ? { ...b, [field]: capturedAt } : body;
}

/** Replaces every photo placeholder string in a JSON body by the uploaded photo id. */
export function substitutePhotos(body: unknown, ids: Map<string, string>): unknown {
  if (typeof body === 'string') return ids.get(body) ?? body;
  if (Array.isArray(body)) return body.map((v) => substitutePhotos(v, ids));
  if (body && typeof body === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(body)) out[k] = substitutePhotos(v, ids);
    return out;
  }
  return body;
}

export function errorOf(res: { status: number; body: unknown }): OutboxError {
  const e = (res.body as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
  const out: OutboxError = { status: res.status, code: e?.code ?? (res.status ? `http_${res.status}` : 'network_error'), message: e?.message ?? '' };
  const details = e?.details as { fields?: unknown } | null | undefined;
  if (details && typeof details === 'object') {
    out.details = details;
    if (Array.isArray(details.fields)) out.fields = details.fields as OutboxError['fields'];
  }
  return out;
}
