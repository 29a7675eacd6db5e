import { request } from './api';
import { idemKey } from './cases';

/**
 * POST with an Idempotency-Key fixed by the caller (one key per user action, reused on retry),
 * the API's one error shape thrown as ApiError (409 stale_version carries the current case).
 */
export function postWithKey<T>(path: string, body: unknown, key: string = idemKey()): Promise<T> {
  return request<T>('POST', path, body, { 'idempotency-key': key });
}
