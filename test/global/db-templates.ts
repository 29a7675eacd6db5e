import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { createDatabase, type Db, migrateToLatest } from '../../src/db/index.js';
import {
  adminQuery, databaseUrl, type DbTemplates, postgresReachable, seedDemoAt, TEMPLATE_KINDS, TEMPLATES_ENV, type TemplateKind,
} from '../helpers/db-templates.js';

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** The schema the PostgreSQL templates (and so every copy) keep their tables in. */
const PG_SCHEMA = 'closeloop_test';

/** What a template holds beyond the migrated schema. */
async function fill(db: Db, kind: TemplateKind): Promise<void> {
  if (kind !== 'migrated') await seedDemoAt(db, kind);
}

/** A migrated SQLite database, written to `file` in SQLite's file format. */
async function sqliteTemplate(file: string, kind: TemplateKind): Promise<void> {
  const handle = createDatabase({ kind: 'sqlite', file: ':memory:' });
  try {
    await migrateToLatest(handle.db);
    await fill(handle.db, kind);
    await sql`vacuum into ${file}`.execute(handle.db);
  } finally {
    await handle.destroy();
  }
}

async function postgresTemplate(name: string, kind: TemplateKind): Promise<void> {
  await adminQuery(PG_URL, `create database ${name}`);
  await adminQuery(databaseUrl(PG_URL, name), `create schema ${PG_SCHEMA}`);
  const handle = createDatabase({ kind: 'postgres', url: databaseUrl(PG_URL, name), schema: PG_SCHEMA });
  try {
    await migrateToLatest(handle.db, PG_SCHEMA);
    await fill(handle.db, kind);
  } finally {
    await handle.destroy();
  }
}

/** Builds this run's template databases (see test/helpers/db-templates.ts) and drops them after the run. */
export default async function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-db-templates-'));
  const kinds = TEMPLATE_KINDS;
  const templates: DbTemplates = { sqlite: Object.fromEntries(kinds.map((k) => [k, path.join(dir, `${k}.db`)])) as DbTemplates['sqlite'] };
  const pgNames: string[] = [];
  try {
    const pgOk = await postgresReachable(PG_URL);
    const names = Object.fromEntries(kinds.map((k) => [k, `cl_tpl_${k}_${randomBytes(4).toString('hex')}`])) as Record<TemplateKind, string>;
    await Promise.all(
      kinds.flatMap((kind) => [
        sqliteTemplate(templates.sqlite[kind], kind),
        ...(pgOk ? [(pgNames.push(names[kind]), postgresTemplate(names[kind], kind))] : []),
      ]),
    );
    if (pgOk) templates.postgres = { ...names, schema: PG_SCHEMA };
  } catch (e) {
    await teardown();
    throw e;
  }
  process.env[TEMPLATES_ENV] = JSON.stringify(templates);

  async function teardown() {
    for (const name of pgNames) await adminQuery(PG_URL, `drop database if exists ${name} with (force)`).catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return teardown;
}
