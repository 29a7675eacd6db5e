import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, type Migration, type MigrationProvider, Migrator, PostgresAdapter, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig, PostgresPoolSettings } from '../config.js';
import { migrations } from './migrations/index.js';
import { NamedStatementClient } from './pg-named-statements.js';
import { registerPool } from './run-statement.js';
import { watchOtherWriters } from './auth-writes.js';
import { GroupCommitSqliteDialect } from './sqlite-group-commit.js';
import { startWalCheckpointer } from './wal-checkpointer.js';
import type { Database } from './schema.js';

export { NO_DURABILITY_WAIT } from './sqlite-group-commit.js';
export type Db = Kysely<Database>;
export type DialectKind = 'sqlite' | 'postgres';

/** Whether `db` (or a transaction of it) runs on PostgreSQL, for the few statements the engines spell differently. */
export const isPostgres = (db: Db) => db.getExecutor().adapter instanceof PostgresAdapter;

/** Whether a statement failed on a unique or primary key, on either engine (a concurrent writer got there first). */
export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** PostgreSQL's text form of a timestamptz in UTC (session time zone UTC) whose year has four digits. */
const UTC_TIMESTAMPTZ = /^[1-9]\d{3}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d{1,6})?\+00$/;

/**
 * A timestamptz as read from PostgreSQL → the ISO instant `new Date(v).toISOString()` gives (the
 * milliseconds truncated). In UTC it is rewritten as text: parsing every timestamp of every row
 * into a Date and printing it again was about 1 % of the server's CPU on the case loop. Any other
 * form (another time zone, a year before 1000, BC, infinity) goes through Date as before.
 */
export function timestamptzToIso(v: string): string {
  if (v.endsWith('+00') && UTC_TIMESTAMPTZ.test(v)) {
    // "2026-12-07 07:41:35.1234+00": the fraction, if any, from index 20 to the offset.
    const frac = v.length === 22 ? '000' : `${v.slice(20, -3)}00`.slice(0, 3);
    return `${v.slice(0, 10)}T${v.slice(11, 19)}.${frac}Z`;
  }
  return new Date(v).toISOString();
}

export interface DatabaseHandle {
  db: Db;
  kind: DialectKind;
  /** PostgreSQL schema when not the default (tests use one per suite). */
  schema?: string;
  /** The PostgreSQL pool (for its gauges in /metrics). */
  pool?: pg.Pool;
  destroy(): Promise<void>;
}

// timestamptz → ISO string, so both engines hand the app the same shape.
pg.types.setTypeParser(1184, timestamptzToIso);
// int8 (count(*)) → number; our counts are far below 2^53.
pg.types.setTypeParser(20, (v: string) => Number(v));
// numeric → number (sums, averages)
pg.types.setTypeParser(1700, (v: string) => Number(v));

// Without settings (tests, benchmarks, scripts) a pool has no timeouts; the server's settings come
// from readConfig (DB_STATEMENT_TIMEOUT_MS, …) and maintenance commands turn them off.
const DEFAULT_POOL: PostgresPoolSettings = { max: 10, statementTimeoutMs: 0, lockTimeoutMs: 0, idleInTransactionTimeoutMs: 0 };

export function createDatabase(config: DatabaseConfig): DatabaseHandle {
  if (config.kind === 'sqlite') {
    if (config.file !== ':memory:') fs.mkdirSync(path.dirname(config.file), { recursive: true });
    if (config.image && config.file !== ':memory:') throw new Error('a serialized image opens only in memory');
    const sqlite = new SQLite(config.image ?? config.file);
    sqlite.pragma('journal_mode = WAL');
    // FULL: every commit is fsynced before it is acknowledged, so an answered write survives a
    // power cut, not only a killed process (docs/operations.md, "Durability"). NORMAL is opt-in.
    // On a file, FULL's sync of the WAL is done by the driver off the event loop (syncWalFile):
    // the connection itself then runs OFF and every acknowledged commit is still fdatasynced.
    const full = config.synchronous !== 'normal';
    const syncWalFile = full && config.file !== ':memory:' ? `${config.file}-wal` : undefined;
    sqlite.pragma(`synchronous = ${syncWalFile ? 'OFF' : full ? 'FULL' : 'NORMAL'}`);
    sqlite.pragma('foreign_keys = ON');
    // How long a writer waits for another process's lock before SQLITE_BUSY (answered 503 Retry-After).
    sqlite.pragma(`busy_timeout = ${Math.trunc(config.busyTimeoutMs ?? 5000)}`);
    // SQLite's default page cache is 2 MB: with a million cases the indexes touched by every write
    // no longer fit and each insert re-reads pages from the OS. 16 MB keeps them in memory (64 MB
    // measured no faster in bench:cases, and counts against the dashboard's RSS budget).
    sqlite.pragma('cache_size = -16384');
    const db = new Kysely<Database>({ dialect: new GroupCommitSqliteDialect(sqlite, { syncWalFile }) });
    if (config.file === ':memory:') return { db, kind: 'sqlite', destroy: () => db.destroy() };
    sqlite.pragma('wal_autocheckpoint = 0');
    // Another process writing the file (the command line) is noticed by the session cache.
    const dataVersion = sqlite.prepare('pragma data_version').pluck();
    watchOtherWriters(db, () => dataVersion.get());
    const checkpointer = startWalCheckpointer(config.file);
    return {
      db,
      kind: 'sqlite',
      async destroy() {
        await checkpointer.stop();
        await db.destroy();
      },
    };
  }
  const settings = config.pool ?? DEFAULT_POOL;
  const pool = new pg.Pool({
    connectionString: config.url,
    max: settings.max,
    // Hot-path queries (db/prepared.ts) as named statements: parsed and planned once per connection.
    Client: NamedStatementClient,
    // Set on every connection at start-up: a query stuck behind a lock or running away fails fast
    // (answered 503 Retry-After by the server) instead of holding a request and a connection.
    statement_timeout: settings.statementTimeoutMs || undefined,
    lock_timeout: settings.lockTimeoutMs || undefined,
    idle_in_transaction_session_timeout: settings.idleInTransactionTimeoutMs || undefined,
    // A request waits this long for a connection of a full pool (or for a new one to connect),
    // then fails ("timeout exceeded when trying to connect": 503 database_unavailable, Retry-After)
    // instead of queueing without limit.
    connectionTimeoutMillis: settings.acquireTimeoutMs || undefined,
    ...(config.schema ? { options: `-c search_path=${config.schema}` } : {}),
  });
  // An idle pooled connection the server dropped (restart, failover) must not crash the process.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  // Hot-path statements outside a transaction take a connection of this pool directly (run-statement.ts).
  registerPool(db, pool);
  return { db, kind: 'postgres', schema: config.schema, pool, destroy: () => db.destroy() };
}

class StaticProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

export async function migrateToLatest(db: Db, schema?: string): Promise<string[]> {
  // Feature migrations were written in parallel branches of work, so a later-named one may land after
  // an earlier-named one already ran; each is independent, so apply any that are missing.
  const migrator = new Migrator({ db, provider: new StaticProvider(), allowUnorderedMigrations: true, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
