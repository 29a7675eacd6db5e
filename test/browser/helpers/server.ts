import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readConfig } from '../../../src/config.js';
import { createDatabase, type Db, migrateToLatest } from '../../../src/db/index.js';
import { seedDemo } from '../../../src/domain/demo/seed-demo.js';
import { jobNames, runJobNow } from '../../../src/jobs/run-now.js';
import { systemClock } from '../../../src/domain/shared/clock.js';
import { buildApp } from '../../../src/server/app.js';
import type { Deps } from '../../../src/server/deps.js';
import { ensureWebBuiltForTests } from './web-build.js';
import { testLogOptions } from '../../helpers/test-logs.js';

export interface RunningServer {
  url: string;
  db: Db;
  close(): Promise<void>;
}

/** The real server on a free port: a temp-dir SQLite file, migrated, the demo seeded, web/dist served. */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const webDir = await ensureWebBuiltForTests();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-browser-'));
  const config = readConfig({ DATA_DIR: dir, LOG_LEVEL: 'info', ...env });
  const handle = createDatabase(config.database);
  await migrateToLatest(handle.db);
  await seedDemo(handle.db, systemClock);
  const deps: Deps = { db: handle.db, dbKind: handle.kind, config, clock: systemClock };
  // Jobs are not polled here, but an administrator may run a round from the console, as on a server.
  deps.jobNames = () => jobNames({ ...deps, logger: app.log });
  deps.runJob = (name, actor, ip) => runJobNow({ ...deps, logger: app.log }, name, actor, ip);
  const app = await buildApp(deps, { webDir, ...testLogOptions('browser-server') });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    db: handle.db,
    async close() {
      await app.close();
      await handle.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
