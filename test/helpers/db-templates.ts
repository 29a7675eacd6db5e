import pg from 'pg';
import type { Db } from '../../src/db/index.js';
import { DEMO_PASSWORD, seedDemo } from '../../src/domain/demo/seed-demo.js';
import { seedServicesDemo } from '../../src/domain/demo/seed-services.js';
import { ManualClock } from '../../src/domain/shared/clock.js';

/**
 * Migrating a database takes 0.2 s on SQLite and 2–4 s on PostgreSQL, and nearly every test file
 * needs one or more. test/global/db-templates.ts therefore builds a migrated database on each engine
 * once per run; test/helpers/db.ts hands every test a copy (a PostgreSQL database created from the
 * template, a SQLite image opened in memory).
 *
 * Seeding the Hongqiao demo costs about as much again (its staff's password hashes, ~1,000 sites),
 * and most test files start from it (test/helpers/app.ts, demoContext): so there is a second
 * template with the demo seeded at DEMO_SEEDED_AT, and a third with its 一网通办 network too.
 * Their copies share their ids; the process-wide caches that remember answers by id (coverage-memo,
 * the dashboard's KPIs and board) therefore keep them per database, as a process serving more than
 * one database must.
 */
export const TEMPLATES_ENV = 'CLOSELOOP_TEST_DB_TEMPLATES';

/** The instant the demo template is seeded at (demoContext's clock starts there). */
export const DEMO_SEEDED_AT = '2026-05-26T02:30:00Z';

/** The migrated schema; the Hongqiao demo; the demo with its 一网通办 network (test/services/helpers.ts). */
export type TemplateKind = 'migrated' | 'demo' | 'services';
export const TEMPLATE_KINDS: TemplateKind[] = ['migrated', 'demo', 'services'];

/** Seeds what a template of `holding` holds into a migrated database, as of DEMO_SEEDED_AT. */
export async function seedDemoAt(db: Db, holding: Exclude<TemplateKind, 'migrated'>): Promise<void> {
  const clock = new ManualClock(DEMO_SEEDED_AT);
  await seedDemo(db, clock);
  if (holding === 'services') await seedServicesDemo(db, clock, { password: DEMO_PASSWORD });
}

export interface DbTemplates {
  /** Template databases on the PostgreSQL server of PG_URL; their tables live in `schema`. */
  postgres?: Record<TemplateKind, string> & { schema: string };
  /** Files holding the SQLite databases. */
  sqlite: Record<TemplateKind, string>;
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
