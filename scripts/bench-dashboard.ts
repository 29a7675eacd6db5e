// `npm run bench:dashboard -- --sub <db url> --city <db url> [--clients 1000] [--runs 60]`
// Dashboard targets (issue 6), on databases seeded with `closeloop seed --scale subdistrict|city`:
//   every dashboard API answer p95 ≤ 50 ms for one subdistrict (operator) and citywide
//   (district-admin); p95(city) / p95(subdistrict) ≤ 2; N stream clients receive a new event within
//   1 s at p99; server RSS ≤ 400 MB. Requests go through app.inject (routing, auth, validation,
//   serialisation; no socket). The stream clients are real HTTP connections in this same process,
//   so their parsing is counted against the server (a conservative figure).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readConfig } from '../src/config.js';
import { createDatabase } from '../src/db/index.js';
import { loadActor } from '../src/domain/auth/actor.js';
import { reportCase } from '../src/domain/cases/report-case.js';
import { systemClock } from '../src/domain/shared/clock.js';
import { dashboardRollupsPoller } from '../src/jobs/dashboard-rollups.js';
import { buildApp } from '../src/server/app.js';

const arg = (name: string, def?: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};
const RUNS = Number(arg('runs', '60'));
const CLIENTS = Number(arg('clients', '1000'));
const PASSWORD = 'closeloop2026';

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
  };
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
  let stream: { p50: number; p99: number; received: number; expected: number } | null = null;
  if (withStream) stream = await benchStream(app, deps, viewers.subdistrict, sub.id);
  const rssMb = process.memoryUsage().rss / 1024 / 1024;
  await app.close();
  await handle.destroy();
  return { results, stream, rssMb };
}

async function benchStream(app: Awaited<ReturnType<typeof buildApp>>, deps: any, cookie: string, subId: string) {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS + 10 });
  const latencies: number[] = [];
  let expectCase = '';
  let sentAt = 0;
  let ready = 0;
  const reqs: http.ClientRequest[] = [];
  await new Promise<void>((resolve, reject) => {
    for (let i = 0; i < CLIENTS; i++) {
      const req = http.get({ port, path: '/api/dashboard/stream', headers: { cookie }, agent }, (res) => {
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          if (buf.includes('event: ready') && !buf.includes('__counted')) {
            buf += '__counted';
            if (++ready === CLIENTS) resolve();
          }
          if (expectCase && buf.includes(expectCase)) {
            latencies.push(performance.now() - sentAt);
            buf = '__counted';
          }
          if (buf.length > 100_000) buf = '__counted';
        });
      });
      req.on('error', reject);
      reqs.push(req);
    }
  });
  const poller = dashboardRollupsPoller({ ...deps, logger: { error: (e: unknown) => console.error(e) } });
  poller.start();
  const db = deps.db;
  const u = await db.selectFrom('users').select('id').where('username', '=', 'patrol1').executeTakeFirstOrThrow();
  const actor = (await loadActor(db, u.id))!;
  const site = await db.selectFrom('sites').select(['id', 'lng', 'lat']).where('subdistrict_id', '=', subId).where('kind', '=', 'bin_room').executeTakeFirstOrThrow();
  const cat = await db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', subId).where('code', '=', 'A0301').executeTakeFirstOrThrow();
  const all: number[] = [];
  let expected = 0;
  for (let round = 0; round < 5; round++) {
    latencies.length = 0;
    sentAt = performance.now();
    const c = await db.transaction().execute((trx: any) => reportCase(trx, systemClock, actor, {
      source: 'patrol', categoryId: cat.id, siteId: site.id, lng: Number(site.lng), lat: Number(site.lat), description: `基准 ${round}`,
    } as never));
    expectCase = c.id;
    expected += CLIENTS;
    const deadline = performance.now() + 5000;
    while (latencies.length < CLIENTS && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    all.push(...latencies);
    for (let i = latencies.length; i < CLIENTS; i++) all.push(Infinity);
  }
  await poller.destroy();
  for (const r of reqs) r.destroy();
  agent.destroy();
  return { p50: pct(all, 50), p99: pct(all, 99), received: all.filter(Number.isFinite).length, expected };
}

const subUrl = arg('sub');
const cityUrl = arg('city');
if (!subUrl || !cityUrl) {
  console.error('usage: npm run bench:dashboard -- --sub sqlite:<file>|postgres://… --city sqlite:<file>|postgres://… [--clients N] [--runs N]');
  process.exit(2);
}
const subR = await benchDb(subUrl, 'subdistrict-year', false);
const cityR = await benchDb(cityUrl, 'city-year', true);
console.log(`\n${'endpoint'.padEnd(26)} ${'sub-yr: one sub'.padStart(16)} ${'citywide'.padStart(9)} ${'city-yr: one sub'.padStart(17)} ${'citywide'.padStart(9)} ${'ratio'.padStart(6)}`);
let worst = 0;
let worstRatio = 0;
for (const name of Object.keys(cityR.results)) {
  const a = subR.results[name]!;
  const b = cityR.results[name]!;
  const ratio = b.subdistrict! / a.subdistrict!;
  worst = Math.max(worst, b.subdistrict!, b.citywide!, a.subdistrict!, a.citywide!);
  worstRatio = Math.max(worstRatio, ratio);
  console.log(`${name.padEnd(26)} ${a.subdistrict!.toFixed(1).padStart(13)} ms ${a.citywide!.toFixed(1).padStart(6)} ms ${b.subdistrict!.toFixed(1).padStart(14)} ms ${b.citywide!.toFixed(1).padStart(6)} ms ${ratio.toFixed(2).padStart(6)}`);
}
const s = cityR.stream!;
console.log(`\nworst p95 ${worst.toFixed(1)} ms (target ≤ 50); worst ratio city/sub (one subdistrict) ${worstRatio.toFixed(2)} (target ≤ 2)`);
console.log(`stream: ${CLIENTS} clients × 5 events: received ${s.received}/${s.expected}; latency p50 ${s.p50.toFixed(0)} ms, p99 ${s.p99.toFixed(0)} ms (target ≤ 1000)`);
console.log(`RSS after the city run: ${cityR.rssMb.toFixed(0)} MB (target ≤ 400; includes the in-process clients)`);
const ok = worst <= 50 && worstRatio <= 2 && s.p99 <= 1000 && cityR.rssMb <= 400;
process.exit(ok ? 0 : 1);
