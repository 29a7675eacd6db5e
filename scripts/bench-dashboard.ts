// Dashboard benchmark (issue 6). Reproduce on an idle machine (data files stay out of git):
//
//   mkdir -p /work/bench-data
//   DATABASE_URL=sqlite:/work/bench-data/sub.db  node bin/closeloop.js seed --scale subdistrict   # ~10 s
//   DATABASE_URL=sqlite:/work/bench-data/city.db node bin/closeloop.js seed --scale city          # 215 subdistrict-years (~45 min, ~40 GB)
//   (a database seeded before a later migration: `DATABASE_URL=… node bin/closeloop.js migrate` first; the bench never migrates)
//   npm run bench:dashboard -- --sub sqlite:/work/bench-data/sub.db --city sqlite:/work/bench-data/city.db
//
//   PostgreSQL (seed each into its own database first; the city-year loads through COPY, ~40 min, ~46 GB):
//   createdb -h 127.0.0.1 -U postgres cl_bench_sub && createdb -h 127.0.0.1 -U postgres cl_bench_city
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/cl_bench_sub node bin/closeloop.js seed --scale subdistrict
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/cl_bench_city node bin/closeloop.js seed --scale city
//   npm run bench:dashboard -- --sub postgres://postgres@127.0.0.1:5432/cl_bench_sub --city postgres://postgres@127.0.0.1:5432/cl_bench_city
//
// Options: [--clients 1000] [--runs 60] [--server-flags "<V8 flags>": default those of `npm start` (package.json); "" = none]
//   [--skip coverage,map: leave answers out, to attribute time or memory]. Targets, on databases seeded with `closeloop seed --scale`:
//   every dashboard API answer p95 ≤ 50 ms for one subdistrict (operator) and citywide
//   (district-admin); p95(city-year) / p95(subdistrict-year), one subdistrict, ≤ 2; N stream
//   clients receive a new event within 1 s at p99; server RSS ≤ 400 MB.
// Requests go through app.inject (routing, auth, validation, serialisation; no socket). Each
// database is served by a fresh child process (so one run's heap is not counted in the other's RSS);
// the stream clients are real HTTP connections from another child process, not the server's.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import esbuild from 'esbuild';
import { productServerFlags } from './bench/server-flags.js';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readConfig } from '../src/config.js';
import { createDatabase } from '../src/db/index.js';
import { loadActor } from '../src/domain/auth/actor.js';
import { reportCase } from '../src/domain/cases/report-case.js';
import { systemClock } from '../src/domain/shared/clock.js';
import { dashboardRollupsPoller } from '../src/jobs/dashboard-rollups.js';
import { buildApp } from '../src/server/app.js';
import { startLiveFeed } from '../src/server/live-feed.js';
import { hubFor } from '../src/domain/dashboard/hub.js';

const arg = (name: string, def?: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};
const RUNS = Number(arg('runs', '60'));
const CLIENTS = Number(arg('clients', '1000'));
const PASSWORD = 'closeloop2026';
/** A stream client that has not seen an event this long after it was written has missed it. */
const STREAM_TIMEOUT_MS = 5000;
/** How long the stream clients may take to connect and see `event: ready`. */
const CONNECT_TIMEOUT_MS = 120_000;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
};

async function benchDb(url: string, label: string, withStream: boolean) {
  const config = readConfig({ ...process.env, DATABASE_URL: url } as Record<string, string>);
  const handle = createDatabase(config.database);
  // The databases come migrated from `closeloop seed --scale`; a bench never changes their schema.
  const deps = { db: handle.db, dbKind: handle.kind, config, clock: systemClock };
  const app = await buildApp(deps);
  const cookieOf = async (username: string) => {
    const res = await app.inject({ method: 'POST', url: '/api/auth/sign-in', payload: { username, password: PASSWORD } });
    const c = res.cookies.find((x) => x.name === 'cl_session');
    if (!c) throw new Error(`sign-in ${username}: ${res.statusCode}`);
    return `cl_session=${c.value}`;
  };
  const viewers = { subdistrict: await cookieOf('operator'), citywide: await cookieOf('district-admin') };
  const sub = await handle.db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow();
  const counts = await handle.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const events = await handle.db.selectFrom('case_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const subs = await handle.db.selectFrom('subdistricts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  console.log(`\n[${label}] ${handle.kind}: ${subs.n} subdistricts, ${counts.n} cases, ${events.n} events`);
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const ago = (d: number) => new Date(Date.now() + 8 * 3600_000 - d * 86400_000).toISOString().slice(0, 10);
  const urls: Record<string, (v: 'subdistrict' | 'citywide') => string> = {
    'summary today': () => '/api/dashboard/summary?window=today',
    'summary 30d': () => '/api/dashboard/summary?window=30d',
    'summary 7d by source': () => '/api/dashboard/summary?window=7d&source=patrol',
    'rankings committees 30d': () => '/api/dashboard/rankings?of=committee&window=30d',
    'rankings units 30d': () => '/api/dashboard/rankings?of=unit&window=30d',
    'trend daily 30d': () => '/api/dashboard/trends/daily?window=30d',
    'trend hourly today': () => '/api/dashboard/trends/hourly',
    'categories 30d': () => '/api/dashboard/categories?window=30d',
    'compare months': () => `/api/dashboard/compare?beforeFrom=${ago(60)}&beforeTo=${ago(31)}&afterFrom=${ago(30)}&afterTo=${today}`,
    map: () => `/api/dashboard/map?subdistrictId=${sub.id}`,
    feed: () => '/api/dashboard/feed',
    coverage: () => '/api/dashboard/coverage',
  };
  // --skip a,b leaves answers out (to attribute time or memory to them)
  for (const name of (arg('skip') ?? '').split(',').filter(Boolean)) delete urls[name];
  // One pass over every answer first: a running server is warm (JIT, statement cache, page cache).
  for (const u of Object.values(urls)) {
    for (const v of ['subdistrict', 'citywide'] as const) await app.inject({ method: 'GET', url: u(v), headers: { cookie: viewers[v] } });
  }
  const results: Record<string, Record<string, number>> = {};
  for (const [name, u] of Object.entries(urls)) {
    results[name] = {};
    for (const v of ['subdistrict', 'citywide'] as const) {
      const times: number[] = [];
      for (let i = 0; i < RUNS + 3; i++) {
        const t = performance.now();
        const res = await app.inject({ method: 'GET', url: u(v), headers: { cookie: viewers[v] } });
        const ms = performance.now() - t;
        if (res.statusCode !== 200) throw new Error(`${name} ${v}: ${res.statusCode} ${res.body.slice(0, 200)}`);
        if (i >= 3) times.push(ms);
      }
      results[name]![v] = pct(times, 95);
    }
  }
  console.log(`[${label}] server memory after the API runs (MB): ${JSON.stringify(mb(process.memoryUsage()))}`);
  let stream: Awaited<ReturnType<typeof benchStream>> | null = null;
  if (withStream) stream = await benchStream(app, deps, viewers.subdistrict, sub.id);
  const mem = process.memoryUsage();
  await app.close();
  await handle.destroy();
  return { results, stream, rssMb: stream?.rssMb ?? mem.rss / 1024 / 1024, memory: stream?.memory ?? mb(mem) };
}

const mb = (m: NodeJS.MemoryUsage) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.round(v / 1024 / 1024)]));

async function benchStream(app: Awaited<ReturnType<typeof buildApp>>, deps: any, cookie: string, subId: string) {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  // The clients run under tsx like this script's parent (BENCH_CLIENTS_FILE/ARGV are set by it: this
  // server phase may itself run as a plain-node bundle).
  const clientsFile = process.env.BENCH_CLIENTS_FILE ?? fileURLToPath(new URL('./bench-dashboard-clients.ts', import.meta.url));
  const clientsArgv = process.env.BENCH_CLIENTS_ARGV ? (JSON.parse(process.env.BENCH_CLIENTS_ARGV) as string[]) : process.execArgv;
  const clients = fork(clientsFile, [], { execArgv: clientsArgv });
  const next = <T>(kind: string, timeoutMs = CONNECT_TIMEOUT_MS) => new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      clients.off('message', on);
      reject(new Error(`stream clients: no '${kind}' within ${timeoutMs} ms`));
    }, timeoutMs);
    const on = (m: any) => {
      if (m.kind === 'error') {
        clearTimeout(timer);
        clients.off('message', on);
        reject(new Error(`stream clients: ${m.message}`));
      } else if (m.kind === kind) {
        clearTimeout(timer);
        clients.off('message', on);
        resolve(m);
      }
    };
    clients.on('message', on);
  });
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  clients.send({ kind: 'start', port, cookie, clients: CLIENTS });
  await next('ready');
  console.log(`[stream] server memory with ${CLIENTS} streams open, before any event (MB): ${JSON.stringify(mb(process.memoryUsage()))}`);
  // As `closeloop serve` runs it: on PostgreSQL the folded batches reach this process's streams
  // through LISTEN/NOTIFY whichever instance holds the rollup job's lease (another server on the
  // same database may hold it; then this process's own poller folds nothing).
  const cfg = deps.config.database;
  const feed = cfg.kind === 'postgres' ? startLiveFeed({ url: cfg.url, schema: cfg.schema, db: deps.db, hub: hubFor(deps.db), log: { warn: (o: unknown, m?: string) => console.error(m, o) } }) : null;
  await feed?.ready;
  const poller = dashboardRollupsPoller({ ...deps, logger: { error: (e: unknown) => console.error(e) } });
  poller.start();
  const db = deps.db;
  const u = await db.selectFrom('users').select('id').where('username', '=', 'patrol1').executeTakeFirstOrThrow();
  const actor = (await loadActor(db, u.id))!;
  const site = await db.selectFrom('sites').select(['id', 'lng', 'lat']).where('subdistrict_id', '=', subId).where('kind', '=', 'bin_room').executeTakeFirstOrThrow();
  const cat = await db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', subId).where('code', '=', 'A0301').executeTakeFirstOrThrow();
  const all: number[] = [];
  const perRound: number[] = [];
  for (let round = 0; round < 5; round++) {
    const sentAt = performance.timeOrigin + performance.now();
    const c = await db.transaction().execute((trx: any) => reportCase(trx, systemClock, actor, {
      source: 'patrol', categoryId: cat.id, siteId: site.id, lng: Number(site.lng), lat: Number(site.lat), description: `基准 ${round}`,
    } as never));
    const res = next<{ latencies: (number | null)[] }>('result', STREAM_TIMEOUT_MS + 60_000);
    clients.send({ kind: 'expect', caseId: c.id, sentAt, timeoutMs: STREAM_TIMEOUT_MS });
    const latencies = (await res).latencies;
    for (const l of latencies) all.push(l ?? Infinity);
    perRound.push(latencies.filter((l) => l !== null).length);
    if (process.env.BENCH_MEMORY_TRACE) console.log(`[stream] round ${round}: ${JSON.stringify(mb(process.memoryUsage()))}`);
  }
  // The server's own footprint with every stream still open.
  const mem = process.memoryUsage();
  clearInterval(sampler);
  await poller.destroy();
  await feed?.stop();
  clients.send({ kind: 'stop' });
  await new Promise((r) => clients.once('exit', r));
  // A missed delivery counts as slower than any: p50/p99 are null (never Infinity, which the
  // message to the parent would turn into null unannounced) when more than half / 1 % were missed.
  const finite = (x: number) => (Number.isFinite(x) ? x : null);
  return {
    p50: finite(pct(all, 50)), p99: finite(pct(all, 99)), received: all.filter(Number.isFinite).length, expected: all.length, perRound,
    rssMb: mem.rss / 1024 / 1024, peakRssMb: Math.max(peakRss, mem.rss) / 1024 / 1024, memory: mb(mem),
  };
}

type Result = Awaited<ReturnType<typeof benchDb>>;

const phase = arg('phase');
if (phase) {
  // A child: serve one database and send the figures back.
  const r = await benchDb(arg('url')!, phase, phase === 'city-year');
  // Exit only once the figures are handed over (a send is asynchronous).
  await new Promise<void>((resolve) => process.send!(r, () => resolve()));
  process.exit(0);
}

const subUrl = arg('sub');
const cityUrl = arg('city');
if (!subUrl || !cityUrl) {
  console.error('usage: npm run bench:dashboard -- --sub sqlite:<file>|postgres://… --city sqlite:<file>|postgres://… [--clients N] [--runs N]');
  process.exit(2);
}
// The server phases run as one esbuild bundle on plain node, as `closeloop start` runs the product
// (dist/closeloop.mjs): under the tsx loader the same server holds ~55 MB more RSS.
// One bundle per run: two runs at once (a subdistrict-year beside a city-year) must not start
// their servers from a file the other is rewriting.
const serverBundle = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', `bench-dashboard-server-${process.pid}.mjs`);
await esbuild.build({
  entryPoints: [fileURLToPath(import.meta.url)], bundle: true, platform: 'node', format: 'esm', target: 'node20',
  packages: 'external', outfile: serverBundle, logLevel: 'warning',
});
const runPhase = (label: string, url: string) => new Promise<Result>((resolve, reject) => {
  // The server runs with the V8 flags of `npm start` (package.json); --server-flags "<flags>" overrides
  // them ("" = V8's defaults).
  const flags = arg('server-flags');
  const execArgv = flags === undefined ? productServerFlags() : flags.split(' ').filter(Boolean);
  const env = { ...process.env, BENCH_CLIENTS_FILE: fileURLToPath(new URL('./bench-dashboard-clients.ts', import.meta.url)), BENCH_CLIENTS_ARGV: JSON.stringify(process.execArgv) };
  const child = fork(serverBundle, ['--phase', label, '--url', url, '--runs', String(RUNS), '--clients', String(CLIENTS), '--skip', arg('skip') ?? ''], { execArgv, env });
  let got: Result | null = null;
  child.on('message', (m) => {
    got = m as Result;
  });
  child.on('exit', (code) => (got ? resolve(got) : reject(new Error(`${label} phase exited ${code}`))));
});
const load0 = os.loadavg();
let subR: Result;
let cityR: Result;
try {
  subR = await runPhase('subdistrict-year', subUrl);
  cityR = await runPhase('city-year', cityUrl);
} finally {
  fs.rmSync(serverBundle, { force: true });
}
const load1 = os.loadavg();
console.log(`\n${'endpoint'.padEnd(26)} ${'sub-yr: one sub'.padStart(16)} ${'citywide'.padStart(9)} ${'city-yr: one sub'.padStart(17)} ${'citywide'.padStart(9)} ${'ratio'.padStart(6)} ${'ratio*'.padStart(7)}`);
let worst = 0;
let worstRatio = 0;
let worstCityRatio = 0;
for (const name of Object.keys(cityR.results)) {
  const a = subR.results[name]!;
  if (!a) continue;
  const b = cityR.results[name]!;
  // ratio: one subdistrict on the city-year / on the subdistrict-year; ratio*: citywide on the city-year / one subdistrict on the subdistrict-year
  const ratio = b.subdistrict! / a.subdistrict!;
  const cityRatio = b.citywide! / a.subdistrict!;
  worst = Math.max(worst, b.subdistrict!, b.citywide!, a.subdistrict!, a.citywide!);
  worstRatio = Math.max(worstRatio, ratio);
  worstCityRatio = Math.max(worstCityRatio, cityRatio);
  console.log(`${name.padEnd(26)} ${a.subdistrict!.toFixed(1).padStart(13)} ms ${a.citywide!.toFixed(1).padStart(6)} ms ${b.subdistrict!.toFixed(1).padStart(14)} ms ${b.citywide!.toFixed(1).padStart(6)} ms ${ratio.toFixed(2).padStart(6)} ${cityRatio.toFixed(2).padStart(7)}`);
}
const s = cityR.stream!;
console.log(`\nworst p95 ${worst.toFixed(1)} ms (target ≤ 50); worst ratio city-year/subdistrict-year, one subdistrict, ${worstRatio.toFixed(2)} (target ≤ 2); citywide on the city-year / one subdistrict on the subdistrict-year ${worstCityRatio.toFixed(2)}`);
const ms = (x: number | null) => (x === null ? `> ${STREAM_TIMEOUT_MS} ms (missed)` : `${x.toFixed(0)} ms`);
console.log(`stream: ${CLIENTS} clients (separate process) × 5 events: received ${s.received}/${s.expected} (per event ${s.perRound.join(', ')}); latency p50 ${ms(s.p50)}, p99 ${ms(s.p99)} (target ≤ 1000)`);
console.log(`server RSS with ${CLIENTS} streams open: ${s.rssMb.toFixed(0)} MB, peak ${s.peakRssMb.toFixed(0)} MB (target ≤ 400); memoryUsage MB ${JSON.stringify(s.memory)}`);
console.log(`load average before ${load0.map((x) => x.toFixed(2)).join(' ')}, after ${load1.map((x) => x.toFixed(2)).join(' ')} (${os.cpus().length} cores)`);
const ok = worst <= 50 && worstRatio <= 2 && s.p99 !== null && s.p99 <= 1000 && s.peakRssMb <= 400;
process.exit(ok ? 0 : 1);
