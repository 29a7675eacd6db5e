import { readConfig, type Config, type DatabaseConfig } from '../config.js';
import { createDatabase, migrateToLatest, type DatabaseHandle } from '../db/index.js';
import { systemClock } from '../domain/shared/clock.js';
import type { Deps } from '../server/deps.js';
import { withStartupLock } from './startup-lock.js';

export interface CliContext {
  config: Config;
  handle: DatabaseHandle;
  /** The streaming replica for dashboard and list reads, when DATABASE_READ_URL is set. */
  readHandle: DatabaseHandle | null;
  deps: Deps;
  destroy(): Promise<void>;
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
}

/**
 * Opens the configured database and migrates it; every command starts here. Migrating (and
 * `afterMigrate`) happens under a start-up lock, so any number of instances may start at once.
 */
export async function openContext(opts: OpenOptions = {}): Promise<CliContext> {
  const config = readConfig();
  const setup = makeContext(config, createDatabase(maintenance(config.database)), null);
  try {
    await withStartupLock(config.database, async () => {
      await migrateToLatest(setup.handle.db, setup.handle.schema);
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

function makeContext(config: Config, handle: DatabaseHandle, readHandle: DatabaseHandle | null): CliContext {
  return {
    config,
    handle,
    readHandle,
    deps: { db: handle.db, readDb: readHandle?.db, dbKind: handle.kind, config, clock: systemClock },
    async destroy() {
      await readHandle?.destroy();
      await handle.destroy();
    },
  };
}
