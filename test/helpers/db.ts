import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createDatabase, type DatabaseHandle, type DialectKind, migrateToLatest } from '../../src/db/index.js';
import { adminQuery, databaseUrl, postgresReachable, readTemplates, seedDemoAt, type TemplateKind } from './db-templates.js';

export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const pgOk = await postgresReachable(PG_URL);
if (!pgOk) {
  const msg = `PostgreSQL is not reachable at ${PG_URL}: database tests run on SQLite only.`;
  if (process.env.CI === 'true') throw new Error(`${msg} In CI this is a failure.`);
  console.warn(`\n\x1b[41m\x1b[37m SKIPPING POSTGRES \x1b[0m ${msg}\n`);
}

/** The engines every database test runs on. */
export const DIALECTS: DialectKind[] = pgOk ? ['sqlite', 'postgres'] : ['sqlite'];

/** Serialises schema creation/migration and drops across parallel test processes. */
const SCHEMA_LOCK = 730_105_008;

export interface TestDatabaseHandle extends DatabaseHandle {
  /** PostgreSQL: the connection string of the database the test's schema is in. */
  url?: string;
}

const templates = readTemplates();
const sqliteImages = new Map<string, Buffer>();

/**
 * A fresh, migrated database: in-memory SQLite, or a PostgreSQL database of its own; with
 * `holding: 'demo'`, the Hongqiao demo seeded at DEMO_SEEDED_AT (`'services'`: with its 一网通办 network). Under vitest each is a copy of this
 * run's template (test/global/db-templates.ts); elsewhere it is migrated (and seeded) here.
 */
export async function testDatabase(kind: DialectKind, holding: TemplateKind = 'migrated'): Promise<TestDatabaseHandle> {
  const template = kind === 'sqlite' ? templates?.sqlite[holding] : templates?.postgres?.[holding];
  if (!template && holding !== 'migrated') {
    const handle = await testDatabase(kind);
    await seedDemoAt(handle.db, holding);
    return handle;
  }
  if (kind === 'sqlite' && template) {
    let image = sqliteImages.get(template);
    if (!image) sqliteImages.set(template, (image = fs.readFileSync(template)));
    return createDatabase({ kind: 'sqlite', file: ':memory:', image });
  }
  if (kind === 'postgres' && template && templates?.postgres) {
    // A database of its own, copied from the template: no migration, and nothing shared with
    // other test processes (so none of the schema lock below).
    const name = `cl_t_${randomBytes(6).toString('hex')}`;
    await adminQuery(PG_URL, `create database ${name} template ${template}`);
    const url = databaseUrl(PG_URL, name);
    const handle = createDatabase({ kind: 'postgres', url, schema: templates.postgres.schema });
    return {
      ...handle,
      url,
      async destroy() {
        await handle.destroy();
        await adminQuery(PG_URL, `drop database if exists ${name} with (force)`);
      },
    };
  }
  return migratedDatabase(kind);
}

async function migratedDatabase(kind: DialectKind): Promise<TestDatabaseHandle> {
  if (kind === 'sqlite') {
    const handle = createDatabase({ kind: 'sqlite', file: ':memory:' });
    await migrateToLatest(handle.db);
    return handle;
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  // Kysely's migrator introspects the tables of EVERY schema; a schema another test file drops at that
  // moment makes the introspection fail ("schema … does not exist"). Creating+migrating and dropping
  // therefore take turns under one advisory lock across all test processes.
  const lockHolder = new pg.Client({ connectionString: PG_URL });
  await lockHolder.connect();
  let handle: DatabaseHandle;
  try {
    await lockHolder.query('select pg_advisory_lock($1)', [SCHEMA_LOCK]);
    await lockHolder.query(`create schema ${schema}`);
    handle = createDatabase({ kind: 'postgres', url: PG_URL, schema });
    await migrateToLatest(handle.db, schema);
  } finally {
    await lockHolder.end();
  }
  return {
    ...handle,
    url: PG_URL,
    async destroy() {
      await handle.destroy();
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      try {
        await c.query('select pg_advisory_lock($1)', [SCHEMA_LOCK]);
        await c.query(`drop schema ${schema} cascade`);
      } finally {
        await c.end();
      }
    },
  };
}

/**
 * Points the environment a CLI command reads (DATA_DIR, DATABASE_URL) at a fresh file database:
 * a SQLite file in a temporary folder, or a new PostgreSQL database. `release()` drops it and
 * puts the environment back.
 */
export async function scratchCliDatabase(kind: DialectKind): Promise<{ url: string; release(): Promise<void> }> {
  const saved = { DATABASE_URL: process.env.DATABASE_URL, DATA_DIR: process.env.DATA_DIR };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-cli-'));
  let pgName = '';
  const admin = (statement: string) => adminQuery(PG_URL, statement);
  let url = `sqlite:${path.join(dir, 'closeloop.db')}`;
  if (kind === 'postgres') {
    pgName = `cl_cli_${randomBytes(5).toString('hex')}`;
    await admin(`create database ${pgName}`);
    const u = new URL(PG_URL);
    u.pathname = `/${pgName}`;
    url = u.toString();
  }
  process.env.DATA_DIR = dir;
  process.env.DATABASE_URL = url;
  return {
    url,
    async release() {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
      if (pgName) await admin(`drop database if exists ${pgName} with (force)`);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
