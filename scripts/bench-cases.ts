/**
 * `npm run bench:cases [-- --pg] [-- --instances 2] [-- --jobs]` — the closed case loop under load.
 * 1. Full-loop transitions over HTTP (real listen on 127.0.0.1, session cookies, validation,
 *    event + hash chain, notifications): BENCH_CLIENTS (20) concurrent clients spread over
 *    BENCH_SUBDISTRICTS (8) subdistricts, for BENCH_SECONDS (10) each running
 *    report → file → dispatch → handle → check_pass, after a 5 s warm-up (BENCH_WARMUP_SECONDS) that is not counted.
 *    Reports transitions/s, p50/p95/p99, the server's CPU per transition (the Node process; on
 *    PostgreSQL also its backends), statements per transition (PostgreSQL), and the ratio to the
 *    raw single-row insert rate of the same engine measured in the same run.
 *    --instances N (PostgreSQL): N server processes on the one database, clients spread over
 *    them, CPU printed per instance. --jobs: the servers also run the background jobs (the
 *    dashboard fold among them) as `closeloop serve` does.
 * 2. Case-desk list queries over HTTP with BENCH_CASES (1,000,000) cases stored: p95 per query.
 * Targets: SQLite (issue 3) ≥ 2,000 transitions/s, p99 ≤ 25 ms; desk p95 ≤ 30 ms.
 * PostgreSQL (issue 16) ≥ 1,000 transitions/s, p99 ≤ 50 ms, server CPU ≤ 1 ms per transition.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import sharp from 'sharp';
import { createDatabase, type DatabaseHandle, migrateToLatest } from '../src/db/index.js';
import { DEMO_PASSWORD, seedDemo } from '../src/domain/demo/seed-demo.js';
import { systemClock } from '../src/domain/shared/clock.js';
import { generateCases } from './bench/cases-data.js';
import { httpClient } from './bench/http-client.js';
import { productServerFlags } from './bench/server-flags.js';
import { freePorts } from './bench/free-port.js';
import { WARMUP_SECONDS } from './bench/warm-up.js';

const PG = process.argv.includes('--pg');
const argValue = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const INSTANCES = Number(argValue('--instances') ?? 1);
const JOBS = process.argv.includes('--jobs');
if (!PG && INSTANCES !== 1) throw new Error('--instances needs --pg: SQLite serves one process');
const PG_URL = process.env.BENCH_PG_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CASES = Number(process.env.BENCH_CASES ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 20);
const SUBDISTRICTS = Math.max(2, Number(process.env.BENCH_SUBDISTRICTS ?? 8));
const QUERY_REPEATS = Number(process.env.BENCH_QUERY_REPEATS ?? 30);
const ports = await freePorts(INSTANCES);
const PORT = ports[0]!;
const base = `http://127.0.0.1:${PORT}`;
const log = (s: string) => console.log(s);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
};
const ms = (x: number) => `${x.toFixed(1)} ms`;

// ---------------------------------------------------------------- setup
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-bench-cases-'));
const schema = `bench_${randomBytes(4).toString('hex')}`;
let databaseUrl: string;
let handle: DatabaseHandle;
if (PG) {
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  databaseUrl = PG_URL;
  handle = createDatabase({ kind: 'postgres', url: PG_URL, schema });
} else {
  databaseUrl = `sqlite:${path.join(dir, 'bench.db')}`;
  handle = createDatabase({ kind: 'sqlite', file: path.join(dir, 'bench.db') });
}
log(`closeloop bench:cases on ${PG ? `PostgreSQL (schema ${schema})` : `SQLite (${dir})`} — ${os.cpus().length} cores, ${CLIENTS} clients over ${SUBDISTRICTS} subdistricts, ${INSTANCES} server instance${INSTANCES > 1 ? 's' : ''}${JOBS ? ' running the background jobs' : ''}, ${SECONDS} s`);
await migrateToLatest(handle.db, handle.schema);
let t = performance.now();
// Hongqiao, Xianxia and synthetic subdistricts of Hongqiao's size: SUBDISTRICTS in all.
await seedDemo(handle.db, systemClock, { extraSubdistricts: SUBDISTRICTS - 2 });
const hq = (await handle.db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow()).id;
log(`  seeded the Hongqiao demo and ${SUBDISTRICTS - 1} more subdistricts in ${ms(performance.now() - t)}`);

// ---------------------------------------------------------------- raw single-row insert rate
async function rawInsertRate(synchronous: 'FULL' | 'NORMAL' = 'FULL'): Promise<number> {
  const until = performance.now() + 2000;
  let n = 0;
  if (!PG) {
    const raw = new SQLite(path.join(dir, `raw-${synchronous}.db`));
    raw.pragma('journal_mode = WAL');
    raw.pragma(`synchronous = ${synchronous}`);
    raw.exec('create table raw (id text primary key, v text not null)');
    const ins = raw.prepare('insert into raw (id, v) values (?, ?)');
    const start = performance.now();
    while (performance.now() < until) {
      for (let i = 0; i < 100; i++) ins.run(`${n + i}-${start}`, 'x');
      n += 100;
    }
    const rate = n / ((performance.now() - start) / 1000);
    raw.close();
    return rate;
  }
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  await c.query(`create table ${schema}.raw (id text primary key, v text not null)`);
  const start = performance.now();
  while (performance.now() < until) {
    await c.query(`insert into ${schema}.raw (id, v) values ($1, $2)`, [`${n}`, 'x']);
    n++;
  }
  const rate = n / ((performance.now() - start) / 1000);
  await c.end();
  return rate;
}
const rawRate = await rawInsertRate();
log(`  raw ${PG ? 'pg' : 'better-sqlite3'} single-row insert (autocommit${PG ? '' : ', synchronous = FULL'}): ${Math.round(rawRate).toLocaleString('en')} rows/s`);
if (!PG) {
  // The cost of durability across a power cut: the default FULL against the opt-in NORMAL.
  const normalRate = await rawInsertRate('NORMAL');
  log(`  raw better-sqlite3 single-row insert (autocommit, synchronous = NORMAL): ${Math.round(normalRate).toLocaleString('en')} rows/s — FULL costs ${(normalRate / rawRate).toFixed(2)}× per commit`);
}

// ---------------------------------------------------------------- 1 M cases
t = performance.now();
if (CASES > 0) await generateCases(handle.db, handle.kind, CASES, hq);
log(`  stored ${CASES.toLocaleString('en')} synthetic cases in ${ms(performance.now() - t)}`);
await handle.destroy();

// ---------------------------------------------------------------- server(s)
interface Instance {
  proc: ReturnType<typeof spawn>;
  port: number;
  /** application_name of its PostgreSQL connections (to find its backends). */
  appName: string;
}
async function startServer(port: number, i: number): Promise<Instance> {
  const appName = `closeloop-bench-${schema}-${i}`;
  const url = PG ? `${databaseUrl}${databaseUrl.includes('?') ? '&' : '?'}application_name=${appName}` : databaseUrl;
  const proc = spawn(process.execPath, [...productServerFlags(), ...(process.env.BENCH_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF_DIR}`] : []), '--import', 'tsx', path.join(import.meta.dirname, 'bench/cases-server.ts'), url, String(port), schema], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: { ...process.env, BENCH_DATA_DIR: dir, BENCH_JOBS: JOBS ? '1' : '' },
  });
  await new Promise<void>((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => d.toString().includes('READY') && resolve());
    proc.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  return { proc, port, appName };
}
const instances: Instance[] = [];
for (const [i, port] of ports.entries()) instances.push(await startServer(port, i));

/** CPU time a process has used so far (user + system, all its threads), from /proc; 0 once it is gone. */
function procCpuMs(pid: number): number {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}
const serverCpuMs = (inst: Instance) => procCpuMs(inst.proc.pid!);

/** Statements the server has sent to PostgreSQL so far (counted in the server process). */
function statementsSent(inst: Instance): Promise<number> {
  return new Promise((resolve) => {
    inst.proc.once('message', (m: { statements: number }) => resolve(m.statements));
    inst.proc.send('statements');
  });
}

/** PostgreSQL backends serving an instance (its pool's connections), by pid. */
async function backendPids(inst: Instance): Promise<number[]> {
  if (!PG) return [];
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  const r = await c.query<{ pid: number }>('select pid from pg_stat_activity where application_name = $1', [inst.appName]);
  await c.end();
  return r.rows.map((x) => x.pid);
}
/** CPU of an instance's backends, per pid (a backend that ended meanwhile counts what it had). */
const backendCpu = (pids: number[]) => new Map(pids.map((p) => [p, procCpuMs(p)]));

const signedIn = new Map<string, string>();
/** A session per user, signed in once (concurrent sign-ins of one username are throttled as guesses would be). */
async function signIn(username: string): Promise<string> {
  const known = signedIn.get(username);
  if (known) return known;
  const res = await fetch(`${base}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }) });
  if (res.status !== 200) throw new Error(`sign-in ${username}: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  signedIn.set(username, cookie);
  return cookie;
}

// The load generator: keep-alive node:http (fetch would take as much CPU as the server spends).
const httpClients = ports.map((p) => httpClient(`http://127.0.0.1:${p}`, CLIENTS * 3));
async function post(instance: number, cookie: string, url: string, body: unknown, lat: number[]): Promise<any> {
  const t0 = performance.now();
  const res = await httpClients[instance]!.request('POST', url, { cookie, body });
  lat.push(performance.now() - t0);
  if (res.status >= 300) throw new Error(`${url}: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json;
}

try {
  const png = await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 30, g: 160, b: 60 } } }).png().toBuffer();
  const db0 = createDatabase(PG ? { kind: 'postgres', url: PG_URL, schema } : { kind: 'sqlite', file: path.join(dir, 'bench.db') });
  // Per subdistrict: a bin room, the working standard A0301, the first handler's unit and the user-name prefix.
  const subs = await db0.db.selectFrom('subdistricts').select(['id', 'code']).orderBy('code').execute();
  const places = await Promise.all(
    subs.map(async (s) => {
      const site = await db0.db.selectFrom('sites').select(['id', 'lng', 'lat']).where('subdistrict_id', '=', s.id).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
      const category = (await db0.db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', s.id).where('code', '=', 'A0301').executeTakeFirstOrThrow()).id;
      const handler = await db0.db.selectFrom('users').select(['username', 'handling_unit_id']).where('subdistrict_id', '=', s.id).where('role', '=', 'handler').where('username', 'like', '%handler1').executeTakeFirstOrThrow();
      return { site, category, unit: handler.handling_unit_id!, prefix: handler.username.slice(0, -'handler1'.length) };
    }),
  );
  await db0.destroy();

  // ------------------------------------------------------------ 1. full-loop transitions
  const clients: { instance: number; place: (typeof places)[number]; patrol: string; operator: string; handler: string; photo: string }[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const place = places[i % places.length]!;
    const round = Math.floor(i / places.length);
    const [patrol, operator, handler] = [await signIn(`${place.prefix}patrol${(round % 3) + 1}`), await signIn(`${place.prefix}operator`), await signIn(`${place.prefix}handler1`)];
    const form = new FormData();
    form.append('file', new Blob([Buffer.concat([png, Buffer.from(String(i))])], { type: 'image/png' }), 'after.png');
    const up = await fetch(`${base}/api/photos`, { method: 'POST', headers: { cookie: handler }, body: form });
    if (up.status !== 201) throw new Error(`photo upload ${up.status} ${await up.text()}`);
    clients.push({ instance: i % INSTANCES, place, patrol, operator, handler, photo: ((await up.json()) as { id: string }).id });
  }
  const loopFor = async (seconds: number, latencies: number[]) => {
    let loops = 0;
    const end = performance.now() + seconds * 1000;
    await Promise.all(
      clients.map(async (c) => {
        const { site, category, unit } = c.place;
        const p = (cookie: string, url: string, body: unknown) => post(c.instance, cookie, url, body, latencies);
        while (performance.now() < end) {
          let k = await p(c.patrol, '/api/cases', { source: 'patrol', categoryId: category, siteId: site.id, lng: Number(site.lng), lat: Number(site.lat), description: '压测：湿垃圾混投' });
          k = await p(c.operator, `/api/cases/${k.id}/transitions`, { action: 'file', version: k.version });
          k = await p(c.operator, `/api/cases/${k.id}/transitions`, { action: 'dispatch', version: k.version, unitId: unit });
          k = await p(c.handler, `/api/cases/${k.id}/transitions`, { action: 'handle', version: k.version, note: '已处置', photoIds: [c.photo] });
          await p(c.patrol, `/api/cases/${k.id}/transitions`, { action: 'check_pass', version: k.version });
          loops++;
        }
      }),
    );
    return loops;
  };
  await loopFor(WARMUP_SECONDS, []); // JIT and first-use compilation; not counted
  const latencies: number[] = [];
  const pids = await Promise.all(instances.map(backendPids));
  const cpu0 = instances.map(serverCpuMs);
  const backend0 = pids.map(backendCpu);
  const statements0 = PG ? await Promise.all(instances.map(statementsSent)) : [];
  const clientCpu0 = process.cpuUsage();
  const started = performance.now();
  const loops = await loopFor(SECONDS, latencies);
  const elapsed = (performance.now() - started) / 1000;
  const n = latencies.length;
  const cpuPer = instances.map((inst, i) => (serverCpuMs(inst) - cpu0[i]!) / n);
  // Backends that started during the run (the pool grew) count from zero.
  const backendPer = await Promise.all(
    instances.map(async (inst, i) => {
      let used = 0;
      for (const [pid, before] of backend0[i]!) used += Math.max(0, procCpuMs(pid) - before);
      for (const pid of await backendPids(inst)) if (!backend0[i]!.has(pid)) used += procCpuMs(pid);
      return used / n;
    }),
  );
  const statementsPer = PG ? (await Promise.all(instances.map(statementsSent))).reduce((a, x, i) => a + x - statements0[i]!, 0) / n : NaN;
  const clientCpu = process.cpuUsage(clientCpu0);
  const clientCpuPer = (clientCpu.user + clientCpu.system) / 1000 / n;
  const rate = n / elapsed;
  const p99 = pct(latencies, 99);
  const nodeCpu = cpuPer.reduce((a, x) => a + x, 0);
  const pgCpu = backendPer.reduce((a, x) => a + x, 0);
  log(`\n1. Full-loop transitions over HTTP (report → file → dispatch → handle → check_pass), ${SECONDS} s after a ${WARMUP_SECONDS} s warm-up`);
  log(`   ${n.toLocaleString('en')} transitions (${loops} closed loops) in ${elapsed.toFixed(1)} s: ${Math.round(rate).toLocaleString('en')} transitions/s`);
  log(`   latency p50 ${ms(pct(latencies, 50))} · p95 ${ms(pct(latencies, 95))} · p99 ${ms(p99)} · max ${ms(Math.max(...latencies))}`);
  log(`   server CPU per transition ${nodeCpu.toFixed(2)} ms (Node server process${INSTANCES > 1 ? 'es' : ''}, user + system from /proc, all threads); the load generator's ${clientCpuPer.toFixed(2)} ms`);
  if (INSTANCES > 1) for (const [i, c] of cpuPer.entries()) log(`     instance ${i + 1}: ${c.toFixed(2)} ms per transition of the whole run (${(c * n / elapsed / 10).toFixed(0)} % of a core); its PostgreSQL backends ${backendPer[i]!.toFixed(2)} ms`);
  if (PG) {
    log(`   PostgreSQL backends of the server's connections: ${pgCpu.toFixed(2)} ms per transition (user + system from /proc); Node + backends ${(nodeCpu + pgCpu).toFixed(2)} ms`);
    log(`   statements sent to PostgreSQL per transition: ${statementsPer.toFixed(1)} (BEGIN and COMMIT included)`);
  }
  log(`   load average during the run: ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')} on ${os.cpus().length} cores`);
  log(`   ratio to raw single-row inserts: ${(rate / rawRate * 100).toFixed(1)} % (${Math.round(rate)} / ${Math.round(rawRate)})`);
  const verdict = (ok: boolean) => (ok ? 'MET' : 'MISSED');
  if (!PG) log(`   targets: ≥ 2,000/s ${verdict(rate >= 2000)}; p99 ≤ 25 ms ${verdict(p99 <= 25)}`);
  else log(`   targets (ratio = measured / target): ≥ 1,000/s ${(rate / 1000).toFixed(2)} ${verdict(rate >= 1000)}; p99 ≤ 50 ms ${(p99 / 50).toFixed(2)} ${verdict(p99 <= 50)}; server CPU ≤ 1 ms ${nodeCpu.toFixed(2)} ${verdict(nodeCpu <= 1)}`);

  // ------------------------------------------------------------ 2. case desk with 1 M cases
  // Hongqiao's desk, a cadre and a handler: the subdistrict holding the synthetic cases.
  const [operator, cadre, handler] = [await signIn('operator'), await signIn('cadre01'), await signIn('handler1')];
  const dbq = createDatabase(PG ? { kind: 'postgres', url: PG_URL, schema } : { kind: 'sqlite', file: path.join(dir, 'bench.db') });
  const committee = (await dbq.db.selectFrom('committees').select('id').where('subdistrict_id', '=', hq).where('code', '=', '005').executeTakeFirstOrThrow()).id;
  const classA = (await dbq.db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', hq).where('code', '=', 'A').executeTakeFirstOrThrow()).id;
  const std = (await dbq.db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', hq).where('code', '=', 'A0601').executeTakeFirstOrThrow()).id;
  await dbq.destroy();
  const get = async (cookie: string, url: string) => {
    const t0 = performance.now();
    const res = await fetch(`${base}${url}`, { headers: { cookie } });
    const body = (await res.json()) as { items?: unknown[]; nextCursor?: string | null };
    const d = performance.now() - t0;
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${JSON.stringify(body)}`);
    return { d, body };
  };
  const firstCursor = async (cookie: string, url: string) => (await get(cookie, url)).body.nextCursor ?? '';
  const deepCursor = await firstCursor(operator, '/api/cases?limit=200');
  const queries: [string, string, string][] = [
    ['operator', 'all, newest first', '/api/cases?limit=50'],
    ['operator', 'queue to_file', '/api/cases?queue=to_file&limit=50'],
    ['operator', 'queue to_dispatch', '/api/cases?queue=to_dispatch&limit=50'],
    ['operator', 'queue to_check', '/api/cases?queue=to_check&limit=50'],
    ['operator', 'queue overdue', '/api/cases?queue=overdue&limit=50'],
    ['operator', 'next page (keyset)', `/api/cases?limit=50&after=${deepCursor}`],
    ['operator', 'filter committee', `/api/cases?committeeId=${committee}&limit=50`],
    ['operator', 'filter committee + status', `/api/cases?committeeId=${committee}&status=dispatched&limit=50`],
    ['operator', 'filter class A (all its standards)', `/api/cases?categoryId=${classA}&limit=50`],
    ['operator', 'filter standard + source', `/api/cases?categoryId=${std}&source=self_resolved&limit=50`],
    ['operator', 'filter date range', '/api/cases?from=2024-03-01T00:00:00Z&to=2024-03-08T00:00:00Z&limit=50'],
    ['operator', 'search by case number', '/api/cases?q=BM-00000050-0000'],
    ['cadre01', 'cadre: my committee', '/api/cases?limit=50'],
    ['cadre01', 'cadre: to_check', '/api/cases?queue=to_check&limit=50'],
    ['handler1', 'handler: my tasks', '/api/me/tasks?limit=50'],
  ];
  const cookieOf: Record<string, string> = { operator, cadre01: cadre, handler1: handler };
  const all: number[] = [];
  log(`\n2. Case-desk list queries over HTTP with ${CASES.toLocaleString('en')} + ${latencies.length.toLocaleString('en')} cases stored (${QUERY_REPEATS} runs each, after one warm-up)`);
  for (const [who, label, url] of queries) {
    await get(cookieOf[who]!, url);
    const ds: number[] = [];
    let items = 0;
    for (let i = 0; i < QUERY_REPEATS; i++) {
      const r = await get(cookieOf[who]!, url);
      ds.push(r.d);
      items = r.body.items?.length ?? 0;
    }
    all.push(...ds);
    log(`   ${label.padEnd(36)} p50 ${ms(pct(ds, 50)).padStart(8)} · p95 ${ms(pct(ds, 95)).padStart(8)}  (${items} rows)`);
  }
  log(`   overall p95 ${ms(pct(all, 95))}${PG ? '' : ` — target ≤ 30 ms ${pct(all, 95) <= 30 ? 'MET' : 'MISSED'}`}`);
  // Calibration: the cheapest signed-in request (session lookup only) shows what the machine's
  // load adds to every figure above.
  const floor: number[] = [];
  for (let i = 0; i < QUERY_REPEATS; i++) floor.push((await get(operator, '/api/me')).d);
  log(`   floor: GET /api/me p50 ${ms(pct(floor, 50))} · p95 ${ms(pct(floor, 95))}; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' / ')} on ${os.cpus().length} cores`);
} finally {
  for (const c of httpClients) c.close();
  for (const inst of instances) {
    inst.proc.kill('SIGTERM');
    await new Promise((r) => inst.proc.once('exit', r));
  }
  if (PG) {
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
  fs.rmSync(dir, { recursive: true, force: true });
}
