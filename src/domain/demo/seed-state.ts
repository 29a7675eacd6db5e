import { sql } from 'kysely';
import { type Db, isPostgres } from '../../db/index.js';

/**
 * Whether the demo `npm start` seeds is all there. The demo is seeded in stages (the registry in
 * one transaction, then four weeks of history, sweeps, ladders, the front office), some through
 * the bulk loader's own connection, so it cannot be one transaction. The registry's transaction
 * writes a "started" mark and the last stage a "completed" one: a start that was interrupted in
 * between leaves a started demo that is not complete, and the next start empties it and seeds it
 * again (the demo is only ever seeded into an empty database, see seedDemoData).
 */
const STARTED = 'demo.seed.started';
const COMPLETED = 'demo.seed.completed';
/** The tables of the migrator itself: emptying a half-seeded demo keeps the schema's history. */
const KEEP = ['kysely_migration', 'kysely_migration_lock'];

export type DemoSeedState = 'empty' | 'partial' | 'complete';

export async function demoSeedState(db: Db, districtCode: string): Promise<DemoSeedState> {
  const marks = await db.selectFrom('system_settings').select('key').where('key', 'in', [STARTED, COMPLETED]).execute();
  if (marks.some((m) => m.key === COMPLETED)) return 'complete';
  if (marks.some((m) => m.key === STARTED)) return 'partial';
  // A demo seeded before these marks (or a registry-only seed: tests, `seed --scale`) is taken as it is.
  const district = await db.selectFrom('districts').select('id').where('code', '=', districtCode).executeTakeFirst();
  return district ? 'complete' : 'empty';
}

async function mark(db: Db, key: string, at: string) {
  await db.insertInto('system_settings').values({ key, value: at, updated_at: at, updated_by: null })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: at, updated_at: at })).execute();
}

/** Written in the registry's transaction: from here until markDemoComplete the demo is partial. */
export const markDemoStarted = (trx: Db, at: string) => mark(trx, STARTED, at);

/** Written after the last stage: the demo is complete. */
export const markDemoComplete = (db: Db, at: string) => mark(db, COMPLETED, at);

/**
 * Empties a database holding a half-seeded demo (every table but the migrator's), so the demo is
 * seeded again from the start. Refuses any other database: only the demo's own started mark,
 * without its completed one, says that everything in it came from an interrupted seed.
 */
export async function clearPartialDemo(db: Db, districtCode: string): Promise<void> {
  if ((await demoSeedState(db, districtCode)) !== 'partial') throw new Error('not a half-seeded demo database: refusing to empty it');
  if (isPostgres(db)) {
    const tables = await sql<{ name: string }>`
      select quote_ident(schemaname) || '.' || quote_ident(tablename) as name from pg_tables
      where schemaname = current_schema() and tablename not in (${sql.join(KEEP)})`.execute(db);
    if (tables.rows.length) await sql.raw(`truncate table ${tables.rows.map((t) => t.name).join(', ')} cascade`).execute(db);
    return;
  }
  const tables = await sql<{ name: string }>`
    select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not in (${sql.join(KEEP)})`.execute(db);
  // Foreign keys off for the emptying (the pragma cannot change inside a transaction), back on after.
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await db.transaction().execute(async (trx) => {
      for (const t of tables.rows) await sql`delete from ${sql.id(t.name)}`.execute(trx);
    });
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}
