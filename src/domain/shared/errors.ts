/**
 * Domain errors carry a stable snake_case code. Only src/server knows HTTP statuses.
 */
export const ERROR_CODES = [
  'validation_failed',
  'not_found',
  'forbidden',
  'csrf_rejected',
  'unauthenticated',
  'invalid_credentials',
  'account_locked',
  'rate_limited',
  'conflict',
  'stale_version',
  'duplicate',
  'payload_too_large',
  'upload_limit_exceeded',
  'unsupported_media_type',
  'import_failed',
  'idempotency_mismatch',
  'transition_not_allowed',
  'step_out_of_order',
  'fine_out_of_range',
  'procedure_period_open',
  'fine_exceeds_prior_notice',
  'hearing_not_available',
  'document_not_served',
  'document_already_served',
  'officer_without_certificate',
  'challenge_failed',
  'challenge_replayed',
  'password_change_required',
  'demo_password_refused',
  'has_open_cases',
  'storage_unavailable',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string, id?: string) =>
  new DomainError('not_found', `${what} not found`, id ? { id } : undefined);

export const forbidden = (action: string) => new DomainError('forbidden', `Not allowed: ${action}`, { action });

/** A field-level validation failure, shaped like the HTTP layer's zod errors. */
export const invalidField = (field: string, reason: string) =>
  new DomainError('validation_failed', `${field}: ${reason}`, { fields: [{ field, reason }] });
