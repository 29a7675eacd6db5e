// Child process for `npm run bench:cases`: serves the API over the bench database.
import pg from 'pg';
import { readConfig } from '../../src/config.js';
import { createDatabase } from '../../src/db/index.js';
import { systemClock } from '../../src/domain/shared/clock.js';
import { startJobs } from '../../src/jobs/index.js';
import { buildApp } from '../../src/server/app.js';

const [databaseUrl, port, schema] = process.argv.slice(2);

// Statements sent to PostgreSQL (every round trip, BEGIN and COMMIT included), answered to the
// bench over IPC so it can print statements per transition.
let statements = 0;
// BENCH_STATEMENT_LOG=1: also tally each statement's text, printed to stderr when the server stops.
const tally = process.env.BENCH_STATEMENT_LOG ? new Map<string, number>() : null;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  statements++;
  if (tally) {
    const text = typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: string })?.text);
    tally.set(text, (tally.get(text) ?? 0) + 1);
  }
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;
process.on('message', () => process.send?.({ statements }));

const config = readConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent', DATA_DIR: process.env.BENCH_DATA_DIR ?? '/tmp/closeloop-bench' });
const db = config.database.kind === 'postgres' ? { ...config.database, schema } : config.database;
const handle = createDatabase(db);
const app = await buildApp({ db: handle.db, dbKind: handle.kind, config, clock: systemClock });
const stopJobs = process.env.BENCH_JOBS ? startJobs({ db: handle.db, config, clock: systemClock }) : null;
await app.listen({ host: '127.0.0.1', port: Number(port) });
console.log('READY');
process.on('SIGTERM', async () => {
  if (tally) for (const [text, n] of [...tally].sort((a, b) => b[1] - a[1]).slice(0, 60)) console.error(String(n).padStart(7), text.slice(0, 220));
  await stopJobs?.();
  await app.close();
  await handle.destroy();
  process.exit(0);
});
