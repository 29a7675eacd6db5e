import type { TFunction } from 'i18next';
import { ApiError } from './api';

const KNOWN = new Set([
  'invalid_credentials', 'account_locked', 'rate_limited', 'network_error', 'unauthenticated', 'forbidden',
  'not_found', 'validation_failed', 'stale_version', 'duplicate', 'payload_too_large', 'unsupported_media_type',
  'import_failed', 'storage_full',
]);

/** A translated sentence for an API error, chosen by its stable code. */
export function errorText(t: TFunction, err: unknown): string {
  const code = err instanceof ApiError ? err.code : 'unknown';
  if (KNOWN.has(code)) return t(`errors.${code}`);
  return t('errors.unknown', { code });
}
