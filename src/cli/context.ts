import { readConfig, type Config } from '../config.js';
import { createDatabase, migrateToLatest, type DatabaseHandle } from '../db/index.js';
import { systemClock } from '../domain/shared/clock.js';
import type { Deps } from '../server/deps.js';

export interface CliContext {
  config: Config;
  handle: DatabaseHandle;
  deps: Deps;
}

/** Opens the configured database and migrates it; every command starts here. */
export async function openContext(): Promise<CliContext> {
  const config = readConfig();
  const handle = createDatabase(config.database);
  await migrateToLatest(handle.db, handle.schema);
  return { config, handle, deps: { db: handle.db, dbKind: handle.kind, config, clock: systemClock } };
}
