import { ApiError, SESSION_ENDED_EVENT } from './api';
import { idemKey } from './cases';

/**
 * POST with an Idempotency-Key fixed by the caller (one key per user action, reused on retry),
 * the API's one error shape thrown as ApiError (409 stale_version carries the current case).
 */
export async function postWithKey<T>(path: string, body: unknown, key: string = idemKey()): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError(0, 'network_error', String((err as Error).message), null);
  }
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const e = (data as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    if (res.status === 401 && e?.code === 'unauthenticated') window.dispatchEvent(new Event(SESSION_ENDED_EVENT));
    throw new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? res.statusText, e?.details ?? null);
  }
  return data as T;
}
