import pg from 'pg';

/**
 * Migrating a database takes 0.2 s on SQLite and 2–4 s on PostgreSQL, and nearly every test file
 * needs one or more. test/global/db-templates.ts therefore builds a migrated database on each engine
 * once per run; test/helpers/db.ts hands every test a copy (a PostgreSQL database created from the
 * template, a SQLite image opened in memory).
 *
 * The templates hold no demo: seeding one would give every test the same ids, and a process-wide
 * cache keyed by id (coverage-memo, the dashboard's KPI cache) could then answer one test from
 * another's database.
 */
export const TEMPLATES_ENV = 'CLOSELOOP_TEST_DB_TEMPLATES';

export interface DbTemplates {
  /** Template databases on the PostgreSQL server of PG_URL; their tables live in `schema`. */
  postgres?: { migrated: string; schema: string };
  /** A file holding the migrated SQLite database. */
  sqlite: { migrated: string };
}

export function readTemplates(): DbTemplates | null {
  const raw = process.env[TEMPLATES_ENV];
  return raw ? (JSON.parse(raw) as DbTemplates) : null;
}

/** The connection string of database `name` on the server of `url`. */
export function databaseUrl(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function postgresReachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Runs one statement on the server's maintenance database (CREATE/DROP DATABASE). */
export async function adminQuery(url: string, statement: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(statement);
  } finally {
    await c.end();
  }
}
