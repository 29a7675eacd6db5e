// Child process for `npm run bench:cases`: serves the API over the bench database.
import fs from 'node:fs';
import path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
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

// BENCH_SQLITE_TIME=1: time each SQLite statement (by its text), the slowest in total printed to
// stderr when the server stops — where a SQLite bench's server time goes, statement by statement.
type Timed = Record<'run' | 'all' | 'get', (...a: unknown[]) => unknown>;
const sqlTime = process.env.BENCH_SQLITE_TIME ? new Map<string, { n: number; ms: number }>() : null;
if (sqlTime) {
  const prepare = SQLite.prototype.prepare;
  SQLite.prototype.prepare = function (this: SQLite.Database, text: string) {
    const st = prepare.call(this, text) as unknown as Timed;
    for (const m of ['run', 'all', 'get'] as const) {
      const f = st[m].bind(st);
      st[m] = (...a: unknown[]) => {
        const t = process.hrtime.bigint();
        try {
          return f(...a);
        } finally {
          const e = sqlTime.get(text) ?? { n: 0, ms: 0 };
          e.n++;
          e.ms += Number(process.hrtime.bigint() - t) / 1e6;
          sqlTime.set(text, e);
        }
      };
    }
    return st as unknown as SQLite.Statement;
  } as typeof prepare;
}

// BENCH_GC=1: garbage collections by kind (count, total pause, heap used at the end), printed to
// stderr when the server stops — whether a bench's server CPU goes to collecting its garbage.
const gcTally = process.env.BENCH_GC ? new Map<string, { n: number; ms: number }>() : null;
if (gcTally) {
  const KINDS: Record<number, string> = { 1: 'minor (scavenge)', 2: 'major (mark-compact)', 4: 'incremental marking', 8: 'weak callbacks' };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = KINDS[(e as unknown as { detail: { kind: number } }).detail.kind] ?? 'other';
      const t = gcTally.get(kind) ?? { n: 0, ms: 0 };
      t.n++;
      t.ms += e.duration;
      gcTally.set(kind, t);
    }
  }).observe({ entryTypes: ['gc'] });
}

// BENCH_TRUSTED_PROXIES: the addresses whose X-Forwarded-For the server believes (a bench playing
// many citizens behind one proxy). BENCH_CLOCK_START=<instant>: the server's clock starts there
// and runs at real speed (a bench that needs office hours on a working day runs at any hour).
const config = readConfig({
  DATABASE_URL: databaseUrl, LOG_LEVEL: 'info', LOG_FORMAT: 'json', DATA_DIR: process.env.BENCH_DATA_DIR ?? '/tmp/closeloop-bench', TRUSTED_PROXIES: process.env.BENCH_TRUSTED_PROXIES ?? '',
});
// The request log, as `closeloop serve` writes it (JSON, a record per request, written before the
// next one as stdout to a file is), into a file of the data folder: the bench pays for it too.
// BENCH_REQUEST_LOG=0 leaves it out (to measure what it costs).
const requestLog = process.env.BENCH_REQUEST_LOG !== '0';
let logStream: { write(line: string): void } | undefined;
if (requestLog) {
  fs.mkdirSync(config.dataDir, { recursive: true });
  const logFd = fs.openSync(path.join(config.dataDir, `server-${port}.log`), 'w');
  logStream = { write: (line: string) => void fs.writeSync(logFd, line) };
}
const offsetMs = process.env.BENCH_CLOCK_START ? Date.parse(process.env.BENCH_CLOCK_START) - Date.now() : 0;
if (Number.isNaN(offsetMs)) throw new Error(`BENCH_CLOCK_START is not an instant: ${process.env.BENCH_CLOCK_START}`);
const clock = offsetMs ? { now: () => new Date(Date.now() + offsetMs) } : systemClock;
const db = config.database.kind === 'postgres' ? { ...config.database, schema } : config.database;
const handle = createDatabase(db);
const app = await buildApp({ db: handle.db, dbKind: handle.kind, config, clock }, { logger: requestLog, logStream });
const stopJobs = process.env.BENCH_JOBS ? startJobs({ db: handle.db, config, clock }) : null;
await app.listen({ host: '127.0.0.1', port: Number(port) });
console.log('READY');
process.on('SIGTERM', async () => {
  if (tally) for (const [text, n] of [...tally].sort((a, b) => b[1] - a[1]).slice(0, 60)) console.error(String(n).padStart(7), text.slice(0, 220));
  if (gcTally) {
    for (const [kind, { n, ms }] of gcTally) console.error(`gc ${kind}: ${n} × · ${ms.toFixed(0)} ms`);
    console.error(`heap used at the end ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`);
  }
  if (sqlTime) for (const [text, { n, ms }] of [...sqlTime].sort((a, b) => b[1].ms - a[1].ms).slice(0, 40)) console.error(String(n).padStart(7), `${ms.toFixed(0)} ms`.padStart(9), text.replace(/\s+/g, ' ').slice(0, 300));
  await stopJobs?.();
  await app.close();
  await handle.destroy();
  process.exit(0);
});
