import { type Expression, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import { invalidField } from './errors.js';

/** A page size the caller asked for, checked against the list's maximum (400 naming `limit` otherwise). */
export function pageLimit(limit: number | undefined, fallback: number, max: number): number {
  const n = limit ?? fallback;
  if (!Number.isInteger(n) || n < 1 || n > max) throw invalidField('limit', `must be a whole number from 1 to ${max}`);
  return n;
}

/**
 * A keyset page from rows read with `limit + 1`: the first `limit` of them, and `nextCursor`
 * naming the last of those when more follow (the next page starts after it).
 */
export function keysetPage<T>(rows: T[], limit: number, cursorOf: (row: T) => string): { page: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  return { page, nextCursor: rows.length > limit ? cursorOf(page[page.length - 1]!) : null };
}

type Key = string | number;

/** An opaque cursor for an order of several keys: the last row's keys, as base64url JSON. */
export function tupleCursor(keys: Key[]): string {
  return Buffer.from(JSON.stringify(keys)).toString('base64url');
}

/**
 * The keys of a cursor `tupleCursor` made, checked against the kinds the order expects (`number`
 * keys are whole numbers: ranks, sequence numbers); any other `after` is a 400 naming the field —
 * `1.5` for an integer column would otherwise reach PostgreSQL and come back as a 500.
 */
export function readTupleCursor(after: string, kinds: ('string' | 'number')[]): Key[] {
  let keys: unknown;
  try {
    keys = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
  } catch {
    keys = null;
  }
  if (!Array.isArray(keys) || keys.length !== kinds.length || keys.some((k, i) => typeof k !== kinds[i] || (typeof k === 'number' && !Number.isSafeInteger(k)))) {
    throw invalidField('after', 'not a cursor this list gave (nextCursor)');
  }
  return keys as Key[];
}

/**
 * The rows after a keyset position in an order of several keys: `(k1 > v1) or (k1 = v1 and k2 >
 * v2) or …` (`<` for a descending order), each key a column (`sql.ref`) or an expression.
 */
export function afterPosition(keys: [Expression<unknown>, Key][], order: 'asc' | 'desc'): Expression<SqlBool> {
  const op = order === 'asc' ? sql.raw('>') : sql.raw('<');
  const parts = keys.map(([key, value], i) =>
    sql`(${sql.join([...keys.slice(0, i).map(([k, v]) => sql`${k} = ${v}`), sql`${key} ${op} ${value}`], sql` and `)})`,
  );
  return sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
}

/**
 * One keyset page of a query ordered by `keys` (columns or expressions, all in `order`): the rows
 * after the `after` cursor (checked against `kinds`), `limit` of them, and the `nextCursor` naming
 * the last one by `cursorOf` while more follow. The last key must make the order total (an id).
 */
export async function readKeysetPage<O>(
  // biome-ignore lint/suspicious/noExplicitAny: any query's tables
  q: SelectQueryBuilder<any, any, O>,
  sort: { keys: (string | Expression<unknown>)[]; kinds: ('string' | 'number')[]; order: 'asc' | 'desc' },
  page: { after?: string; limit: number },
  cursorOf: (row: O) => Key[],
): Promise<{ page: O[]; nextCursor: string | null }> {
  const exprs = sort.keys.map((k) => (typeof k === 'string' ? sql.ref(k) : k));
  if (page.after) {
    const values = readTupleCursor(page.after, sort.kinds);
    q = q.where(afterPosition(exprs.map((e, i) => [e, values[i]!]), sort.order));
  }
  for (const e of exprs) q = q.orderBy(e, sort.order);
  const rows = await q.limit(page.limit + 1).execute();
  return keysetPage(rows, page.limit, (r) => tupleCursor(cursorOf(r)));
}
