import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readConfig } from '../../../src/config.js';
import { createDatabase, type Db, migrateToLatest } from '../../../src/db/index.js';
import { openBulkSink } from '../../../src/db/bulk-sink.js';
import { DEMO_PASSWORD, seedDemo } from '../../../src/domain/demo/seed-demo.js';
import { seedServicesDemo } from '../../../src/domain/demo/seed-services.js';
import { DEMO_SERVICE_ACTIVITY, seedServiceActivity } from '../../../src/domain/service-activity/seed-activity.js';
import { filesFor } from '../../../src/domain/storage/index.js';
import { jobNames, runJobNow } from '../../../src/jobs/run-now.js';
import { type Clock, systemClock } from '../../../src/domain/shared/clock.js';
import { buildApp } from '../../../src/server/app.js';
import type { Deps } from '../../../src/server/deps.js';
import { ensureWebBuiltForTests } from './web-build.js';
import { readTemplates } from '../../helpers/db-templates.js';
import { testLogOptions } from '../../helpers/test-logs.js';

export interface RunningServer {
  url: string;
  db: Db;
  /** The server's clock (the system's unless the suite chose one). */
  clock: Clock;
  close(): Promise<void>;
}

export interface ServerOptions {
  /** The server's clock, chosen once the demo registry (and its calendar) is in (default: the system's). */
  clock?: (db: Db) => Promise<Clock>;
  /** Also seed what `npm start` adds for 一网通办: the network, then four weeks of activity up to the clock's now. */
  services?: boolean;
}

/** The real server on a free port: a temp-dir SQLite file, migrated, the demo seeded, web/dist served. */
export async function startServer(env: Record<string, string> = {}, o: ServerOptions = {}): Promise<RunningServer> {
  const webDir = await ensureWebBuiltForTests();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-browser-'));
  const config = readConfig({ DATA_DIR: dir, LOG_LEVEL: 'info', ...env });
  // The run's migrated template copied in (migrating a file, each step synced, took ~2 s a server).
  const template = readTemplates()?.sqlite.migrated;
  if (template && config.database.kind === 'sqlite') fs.copyFileSync(template, config.database.file);
  const handle = createDatabase(config.database);
  await migrateToLatest(handle.db);
  await seedDemo(handle.db, systemClock);
  const clock = o.clock ? await o.clock(handle.db) : systemClock;
  if (o.services) {
    await seedServicesDemo(handle.db, clock, { password: DEMO_PASSWORD });
    const sink = openBulkSink(config.database, handle.db);
    try {
      await seedServiceActivity(handle.db, sink, filesFor(config), { ...DEMO_SERVICE_ACTIVITY, seed: 2026, now: clock.now() });
    } finally {
      await sink.finish();
    }
  }
  const deps: Deps = { db: handle.db, dbKind: handle.kind, config, clock };
  // Jobs are not polled here, but an administrator may run a round from the console, as on a server.
  deps.jobNames = () => jobNames({ ...deps, logger: app.log });
  deps.runJob = (name, actor, ip) => runJobNow({ ...deps, logger: app.log }, name, actor, ip);
  const app = await buildApp(deps, { webDir, ...testLogOptions('browser-server') });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    db: handle.db,
    clock,
    async close() {
      await app.close();
      await handle.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
