import type { TFunction } from 'i18next';
import { ApiError } from './api';
import { codeText, explainFields, type OwnLabels } from './field-errors';
import './i18n/account';

const KNOWN = new Set([
  'invalid_credentials', 'account_locked', 'rate_limited', 'network_error', 'unauthenticated', 'forbidden',
  'not_found', 'validation_failed', 'stale_version', 'duplicate', 'payload_too_large', 'unsupported_media_type',
  'import_failed', 'storage_full',
]);

/**
 * A translated sentence for an API error: the fields it names with their reasons when it names
 * any ("问题类别：必填"), else the sentence for its stable code. `own`: the form's own words for
 * fields its labels name differently from the shared table.
 */
export function errorText(t: TFunction, err: unknown, own?: OwnLabels): string {
  const fields = explainFields(t, err, own);
  if (fields) return fields;
  const code = err instanceof ApiError ? err.code : 'unknown';
  if (KNOWN.has(code)) return t(`errors.${code}`);
  if (code === 'demo_password_refused' || code === 'password_change_required') return t(`account.errors.${code}`);
  return codeText(t, code) ?? t('errors.unknown', { code });
}

/** The last named segment of each field an API error names (items.0.caseId → caseId). */
export function invalidFieldNames(err: unknown): Set<string> {
  if (!(err instanceof ApiError)) return new Set();
  return new Set(err.fields.map((f) => f.field.split('.').filter((p) => !/^\d+$/.test(p)).pop() ?? f.field));
}

/**
 * aria-invalid and aria-describedby for an input when the API error names its field, so a screen
 * reader reads the reason on the field itself: `<select {...invalidProps(err, 'categoryId', errId)}>`.
 */
export function invalidProps(err: unknown, field: string | string[], describedBy: string): { 'aria-invalid'?: true; 'aria-describedby'?: string } {
  const named = invalidFieldNames(err);
  return (Array.isArray(field) ? field : [field]).some((f) => named.has(f)) ? { 'aria-invalid': true, 'aria-describedby': describedBy } : {};
}
