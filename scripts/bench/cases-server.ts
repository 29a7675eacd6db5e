// Child process for `npm run bench:cases`: serves the API over the bench database.
import { readConfig } from '../../src/config.js';
import { createDatabase } from '../../src/db/index.js';
import { systemClock } from '../../src/domain/shared/clock.js';
import { buildApp } from '../../src/server/app.js';

const [databaseUrl, port, schema] = process.argv.slice(2);
const config = readConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', DATA_DIR: process.env.BENCH_DATA_DIR ?? '/tmp/closeloop-bench' });
const db = config.database.kind === 'postgres' ? { ...config.database, schema } : config.database;
const handle = createDatabase(db);
const app = await buildApp({ db: handle.db, dbKind: handle.kind, config, clock: systemClock });
await app.listen({ host: '127.0.0.1', port: Number(port) });
console.log('READY');
process.on('SIGTERM', async () => {
  await app.close();
  await handle.destroy();
  process.exit(0);
});
