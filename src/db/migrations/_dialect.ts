// Frozen helper for migrations: column types that differ between the two engines.
// Migrations import only kysely and this file, never app code.
import { type Kysely, PostgresAdapter, sql } from 'kysely';

export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** Instant column: timestamptz on PostgreSQL, ISO-8601 text on SQLite. */
export function ts(db: Kysely<any>) {
  return isPostgres(db) ? sql`timestamptz` : sql`text`;
}

/** Floating point column for coordinates and measures. */
export function real(db: Kysely<any>) {
  return isPostgres(db) ? sql`double precision` : sql`real`;
}

export function inList(column: string, values: readonly string[]) {
  return sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(', ')})`);
}
