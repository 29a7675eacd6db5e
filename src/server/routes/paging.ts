import { z } from 'zod';

/** A keyset cursor as a list gave it (`nextCursor`); the domain checks what it holds. */
export const Cursor = z.string().min(1).max(400);

/** The query fields of a keyset-paged list: `after` (a `nextCursor`) and `limit` (1…max, default given). */
export function pageQuery(max: number, fallback: number) {
  return { after: Cursor.optional(), limit: z.coerce.number().int().min(1).max(max).default(fallback) };
}
