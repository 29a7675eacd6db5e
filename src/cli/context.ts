import fs from 'node:fs';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { readConfig, type Config, type DatabaseConfig } from '../config.js';
import { maskUrlPasswords } from '../db/backup.js';
import { createDatabase, migrateToLatest, type DatabaseHandle } from '../db/index.js';
import { migrations } from '../db/migrations/index.js';
import { type PackageSync, syncPackageCalendar } from '../domain/calendar/package-sync.js';
import { systemClock } from '../domain/shared/clock.js';
import type { Deps } from '../server/deps.js';
import { withStartupLock } from './startup-lock.js';

export interface CliContext {
  config: Config;
  handle: DatabaseHandle;
  /** The streaming replica for dashboard and list reads, when DATABASE_READ_URL is set. */
  readHandle: DatabaseHandle | null;
  deps: Deps;
  /** Opened with `migrate: false`: the migrations this code has and the database has not run. */
  pendingMigrations: string[];
  destroy(): Promise<void>;
}

/** A refusal the operator can act on: its message is the whole story, the exit code is its own. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * Maintenance commands (migrate, seed, import, backup…) may run for minutes on a city's data:
 * their connections carry no statement or lock timeout. The server's do (`serving: true`).
 */
function maintenance(db: DatabaseConfig): DatabaseConfig {
  return db.kind === 'postgres' && db.pool ? { ...db, pool: { ...db.pool, statementTimeoutMs: 0, lockTimeoutMs: 0 } } : db;
}

export interface OpenOptions {
  /** Open with the server's connection settings (timeouts) and the read replica. */
  serving?: boolean;
  /** Runs after the migrations, under the same start-up lock (e.g. seeding an empty database). */
  afterMigrate?: (ctx: CliContext) => Promise<void>;
  /**
   * false: open the database as it is, for commands that only read it (`audit verify`): no
   * migration, and a missing SQLite file or a database without closeloop's tables is refused
   * (CliError, exit 2) instead of being created, migrated and found "intact". Pending migrations
   * are reported in `pendingMigrations`, not applied.
   */
  migrate?: boolean;
}

/**
 * Opens the configured database and migrates it; every command starts here. Migrating (and
 * `afterMigrate`) happens under a start-up lock, so any number of instances may start at once.
 */
export async function openContext(opts: OpenOptions = {}): Promise<CliContext> {
  const config = readConfig();
  if (opts.migrate === false) return openExisting(config);
  const setup = makeContext(config, createDatabase(maintenance(config.database)), null);
  try {
    await withStartupLock(config.database, async () => {
      await migrateToLatest(setup.handle.db, setup.handle.schema);
      // A server starting on a newer calendar package re-times what runs over the days it changed.
      if (opts.serving) reportPackageSync(await syncPackageCalendar(setup.handle.db, setup.deps.clock));
      await opts.afterMigrate?.(setup);
    });
  } catch (err) {
    await setup.destroy();
    throw err;
  }
  if (!opts.serving || config.database.kind === 'sqlite') return setup;
  await setup.destroy();
  const handle = createDatabase(config.database);
  const readHandle = config.readDatabase ? createDatabase(config.readDatabase) : null;
  return makeContext(config, handle, readHandle);
}

function reportPackageSync(sync: PackageSync) {
  if (!sync.changed.length) return;
  const r = sync.retimed;
  console.log(
    `Calendar package: ${sync.changed.length} day(s) changed (${sync.changed.slice(0, 5).map((d) => `${d.date} ${d.kind}`).join(', ')}${sync.changed.length > 5 ? ', …' : ''}); ` +
      `re-timed ${r?.moved ?? 0} case(s), ${r?.records ?? 0} service record(s), ${r?.enforcement ?? 0} enforcement period(s); ${sync.cancelledBookings} booking(s) cancelled.`,
  );
}

/** Where the database is, for a message (a URL's password masked). */
function describe(db: DatabaseConfig): string {
  return db.kind === 'sqlite' ? db.file : maskUrlPasswords(db.url);
}

async function openExisting(config: Config): Promise<CliContext> {
  const db = config.database;
  if (db.kind === 'sqlite' && db.file !== ':memory:') {
    // Checked before createDatabase, which would create the file (and its folder).
    if (!fs.existsSync(db.file)) throw new CliError(`no closeloop database at ${db.file} (no such file; check DATABASE_URL / DATA_DIR)`);
    // Read-only first: createDatabase would write to the file (WAL mode) even to find it empty.
    let tables: number;
    try {
      const probe = new SQLite(db.file, { readonly: true, fileMustExist: true });
      try {
        tables = (probe.prepare("select count(*) as n from sqlite_master where type = 'table' and name = 'kysely_migration'").get() as { n: number }).n;
      } finally {
        probe.close();
      }
    } catch {
      throw new CliError(`no closeloop database at ${db.file} (not a SQLite database)`);
    }
    if (!tables) throw new CliError(`no closeloop database at ${db.file} (it has no closeloop tables; check DATABASE_URL)`);
  }
  const ctx = makeContext(config, createDatabase(maintenance(db)), null);
  try {
    const hasLedger = ctx.handle.kind === 'sqlite'
      ? sql<{ n: number }>`select count(*) as n from sqlite_master where type = 'table' and name = 'kysely_migration'`
      : sql<{ n: number }>`select count(*) as n from information_schema.tables where table_schema = current_schema() and table_name = 'kysely_migration'`;
    if (Number((await hasLedger.execute(ctx.handle.db)).rows[0]?.n ?? 0) === 0) {
      throw new CliError(`no closeloop database at ${describe(db)} (it has no closeloop tables; check DATABASE_URL)`);
    }
    const applied = new Set((await sql<{ name: string }>`select name from kysely_migration`.execute(ctx.handle.db)).rows.map((r) => r.name));
    ctx.pendingMigrations = Object.keys(migrations).filter((m) => !applied.has(m)).sort();
    return ctx;
  } catch (err) {
    await ctx.destroy();
    throw err;
  }
}

function makeContext(config: Config, handle: DatabaseHandle, readHandle: DatabaseHandle | null): CliContext {
  return {
    config,
    handle,
    readHandle,
    pendingMigrations: [],
    deps: { db: handle.db, readDb: readHandle?.db, dbKind: handle.kind, config, clock: systemClock },
    async destroy() {
      await readHandle?.destroy();
      await handle.destroy();
    },
  };
}
