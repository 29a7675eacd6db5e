import { DomainError } from '../shared/errors.js';

/**
 * A refusal naming its field. `message` is what Open311 answers as the error's description; the
 * details carry the API's shape too (`fields: [{ field, reason }]`), so the public report page,
 * which files through the same intake, tells the resident which field to correct and why, and
 * every reason has a Chinese sentence (web/src/shared/field-reasons-public.ts).
 */
export function refused(field: string, reason: string, message: string, code: 'validation_failed' | 'not_found' = 'validation_failed'): DomainError {
  return new DomainError(code, message, { field, fields: [{ field, reason }] });
}
