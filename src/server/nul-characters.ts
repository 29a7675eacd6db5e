import type { FastifyRequest } from 'fastify';
import { invalidField } from '../domain/shared/errors.js';

/** The dotted path of the first string holding U+0000 inside a parsed input, or null. */
function firstNul(value: unknown, path: string, depth: number): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (depth > 8 || value === null || typeof value !== 'object') return null;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k.includes('\u0000')) return path ? `${path}.${k}` : k;
    const found = firstNul(v, path ? `${path}.${k}` : k, depth + 1);
    if (found) return found;
  }
  return null;
}

/**
 * A NUL character is no valid part of any text this system keeps, and PostgreSQL refuses it in
 * text columns: refused up front with 400 naming the field, on every route and both engines,
 * instead of failing inside a query.
 */
export async function rejectNulCharacters(req: FastifyRequest): Promise<void> {
  for (const part of [req.params, req.query, req.body]) {
    const field = firstNul(part, '', 0);
    if (field !== null) throw invalidField(field || 'body', 'contains a NUL character');
  }
}
