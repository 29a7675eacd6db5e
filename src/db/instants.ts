import { type Expression, PostgresAdapter, type SqlBool, sql } from 'kysely';
import type { Db } from './index.js';

const DAY_MS = 24 * 3600_000;

/**
 * `column <= at` (or `>`), compared as instants whatever precision or spelling a stored value has.
 *
 * PostgreSQL stores instants as timestamptz (microseconds), so its comparison is already on
 * instants. SQLite stores ISO-8601 text: the app writes `YYYY-MM-DDTHH:MM:SS.sssZ`, but a value
 * written by hand (`2026-06-01 09:00:00.123456+08:00`) would compare wrongly as a string. There
 * the value is normalised by strftime (which reads any ISO-8601 spelling and offset) — behind an
 * index-friendly string bound a day wide, inside which any spelling of an earlier instant sorts.
 */
export function instantCompare(db: Db, column: string, op: '<=' | '>', at: string): Expression<SqlBool> {
  const ref = sql.ref(column);
  if (db.getExecutor().adapter instanceof PostgresAdapter) return sql<SqlBool>`${ref} ${sql.raw(op)} ${at}`;
  const normalised = sql`strftime('%Y-%m-%dT%H:%M:%fZ', ${ref})`;
  if (op === '<=') {
    const bound = new Date(Date.parse(at) + DAY_MS).toISOString();
    return sql<SqlBool>`(${ref} <= ${bound} and ${normalised} <= ${at})`;
  }
  const bound = new Date(Date.parse(at) - DAY_MS).toISOString();
  return sql<SqlBool>`(${ref} > ${bound} and ${normalised} > ${at})`;
}
