/**
 * `npm run bench:open311` — Open311 GeoReport v2 under load, on SQLite, against 127.0.0.1 only.
 * Seeds the Hongqiao demo and a subdistrict-year of cases (BENCH_CASES, 40,000: ~110 a day over
 * the 365 days up to now, each with its report and, once filed, its filing event), then serves
 * the product's API in a child process (the product's V8 flags) and runs two phases of
 * BENCH_SECONDS (10) each after a 2 s warm-up that is not counted, with BENCH_CLIENTS (20)
 * concurrent clients on keep-alive sockets:
 * 1. GET requests.json over the jurisdiction: a mix of the spec's queries — the default 90-day
 *    window, status=open / closed, a service_code list, random 30-day start_date/end_date windows
 *    (each one new, so never answered from the cache), and a service_request_id list.
 *    Target (issue 14): p95 ≤ 50 ms.
 *    Then the same with `Accept-Encoding: gzip` (1b, reported beside it, not a target; BENCH_GZIP=0 skips it).
 * 2. POST requests.json: form-encoded service requests over the subdistrict's services and sites,
 *    half with an Idempotency-Key, half with a device_id; the key has a webhook, so each filing
 *    also enqueues its signed delivery. Target: ≥ 500 requests/s at p99 ≤ 50 ms.
 * Prints each figure as a ratio to its target and the load average; exits 1 when a target is
 * missed. BENCH_ONLY=get|post runs one phase; BENCH_PROF_DIR=<dir> writes the server's CPU profile there.
 * The reads carry the bench key (a GET with an api_key counts against that key's rate,
 * not the per-address one all 20 local clients would share).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { createDatabase, migrateToLatest } from '../src/db/index.js';
import { loadActor } from '../src/domain/auth/actor.js';
import { seedDemo } from '../src/domain/demo/seed-demo.js';
import { issueKey } from '../src/domain/open311/keys.js';
import { systemClock } from '../src/domain/shared/clock.js';
import { generateCases } from './bench/cases-data.js';
import { productServerFlags } from './bench/server-flags.js';
import { freePorts } from './bench/free-port.js';

const CASES = Number(process.env.BENCH_CASES ?? 40_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 20);
const WARMUP_SECONDS = 2;
const TARGET = { getP95: 50, postRate: 500, postP99: 50 };
const [PORT] = await freePorts();
const JURISDICTION = '310105008';
const log = (s: string) => console.log(s);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
};
const ms = (x: number) => `${x.toFixed(1)} ms`;
const load = () => `load average ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')} on ${os.cpus().length} cores`;

// ---------------------------------------------------------------- setup
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-bench-open311-'));
const file = path.join(dir, 'bench.db');
const handle = createDatabase({ kind: 'sqlite', file });
log(`closeloop bench:open311 on SQLite (${dir}) — ${os.cpus().length} cores, ${CLIENTS} clients, ${SECONDS} s per phase`);
await migrateToLatest(handle.db);
let t = performance.now();
await seedDemo(handle.db, systemClock);
const db = handle.db;
const hq = (await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow()).id;
const yearS = 365 * 86400;
const nowS = Math.floor(Date.now() / 1000);
await generateCases(db, 'sqlite', CASES, hq, { startUnixS: nowS - yearS - 3600, stepS: Math.floor(yearS / CASES), numberPrefix: 'HQ' });
// Their public history, for updated_datetime: the report, and the filing of every case past reported.
await sql
  .raw(
    `insert into case_events (id, subdistrict_id, seq, case_id, action, from_status, to_status, actor_user_id, actor_role, at, photo_ids, changes, prev_hash, hash)
     select id || '-r', subdistrict_id, -2 * rowid, id, 'report', null, 'reported', null, 'patrol', reported_at, '[]', '{}', '', '' from cases where number like 'HQ-%'
     union all
     select id || '-f', subdistrict_id, -2 * rowid - 1, id, 'file', 'reported', 'filed', null, 'operator', filed_at, '[]', '{}', '', '' from cases where number like 'HQ-%' and status <> 'reported'`,
  )
  .execute(db);
await sql.raw('analyze').execute(db);
log(`  seeded the Hongqiao demo and a subdistrict-year of ${CASES.toLocaleString('en')} cases with their events in ${ms(performance.now() - t)}`);

const admin = await loadActor(db, (await db.selectFrom('users').select('id').where('username', '=', 'district-admin').executeTakeFirstOrThrow()).id);
// The webhook is never sent here (no job runs); each filing still enqueues its delivery, as in production.
const issued = await issueKey(db, systemClock, admin!, { name: 'bench', subdistrictIds: [hq], ratePerMinute: 100_000, webhookUrl: 'https://hooks.example.cn/closeloop' });
const apiKey = issued.key;
// Services a bin room may be reported under (the site_kind every filing names).
const services = (await db.selectFrom('case_categories').select(['code', 'site_kinds']).where('subdistrict_id', '=', hq).where('level', '=', 'standard').where('active', '=', 1).execute())
  .filter((r) => { const k = JSON.parse(r.site_kinds) as string[]; return !k.length || k.includes('bin_room'); })
  .map((r) => r.code);
const sites = await db.selectFrom('sites').select(['lng', 'lat']).where('subdistrict_id', '=', hq).where('status', '=', 'active').execute();
await handle.destroy();

// ---------------------------------------------------------------- server
const ONLY = process.env.BENCH_ONLY ?? '';
const proc = spawn(process.execPath, [...productServerFlags(), ...(process.env.BENCH_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF_DIR}`] : []), '--import', 'tsx', path.join(import.meta.dirname, 'bench/cases-server.ts'), `sqlite:${file}`, String(PORT), ''], {
  stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  env: { ...process.env, BENCH_DATA_DIR: dir },
});
await new Promise<void>((resolve, reject) => {
  proc.stdout!.on('data', (d: Buffer) => d.toString().includes('READY') && resolve());
  proc.once('exit', (code) => reject(new Error(`server exited ${code}`)));
});
const cpuMs = () => {
  try {
    const f = fs.readFileSync(`/proc/${proc.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return 0;
  }
};

const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS * 2 });
function request(method: string, url: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    const h: Record<string, string | number> = { ...headers };
    if (body !== undefined) {
      h['content-type'] = 'application/x-www-form-urlencoded; charset=utf-8';
      h['content-length'] = Buffer.byteLength(body);
    }
    const req = http.request(`http://127.0.0.1:${PORT}${url}`, { method, agent, headers: h }, (res) => {
      // The client must not be what is measured: a 200 answer of ~0.6 MB is counted, not decoded
      // (copying and decoding every answer took most of the client's core); others are read as text.
      const keep = res.statusCode !== 200 || method !== 'GET';
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        if (keep) chunks.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: keep && !res.headers['content-encoding'] ? Buffer.concat(chunks).toString('utf8') : '', bytes }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs `op` from CLIENTS loops for warm-up + SECONDS; returns the latencies (ms) after the warm-up, by kind. */
async function phase(op: (client: number, i: number) => Promise<string>): Promise<{ lat: Map<string, number[]>; seconds: number; errors: number; cpu: number }> {
  const lat = new Map<string, number[]>();
  let errors = 0;
  const start = performance.now();
  const measureFrom = start + WARMUP_SECONDS * 1000;
  const until = measureFrom + SECONDS * 1000;
  let cpuAt = 0;
  const cpuTimer = setTimeout(() => (cpuAt = cpuMs()), WARMUP_SECONDS * 1000);
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      for (let i = 0; performance.now() < until; i++) {
        const t0 = performance.now();
        let kind: string;
        try {
          kind = await op(c, i);
        } catch (e) {
          errors++;
          if (errors <= 3) console.error(`  error: ${(e as Error).message.slice(0, 300)}`);
          continue;
        }
        if (t0 >= measureFrom) {
          const d = performance.now() - t0;
          if (!lat.has(kind)) lat.set(kind, []);
          lat.get(kind)!.push(d);
        }
      }
    }),
  );
  clearTimeout(cpuTimer);
  return { lat, seconds: SECONDS, errors, cpu: cpuMs() - cpuAt };
}

const expectOk = (r: { status: number; text: string }, what: string) => {
  if (r.status !== 200) throw new Error(`${what}: HTTP ${r.status} ${r.text.slice(0, 200)}`);
};
const iso = (s: number) => new Date(s * 1000).toISOString().slice(0, 19) + 'Z';
const numbers = Array.from({ length: 50 }, (_, i) => `HQ-${String(Math.floor((CASES - 1 - i * 37) / 10000)).padStart(8, '0')}-${String((CASES - 1 - i * 37) % 10000).padStart(4, '0')}`);
let failed = false;
const verdict = (ok: boolean) => {
  if (!ok) failed = true;
  return ok ? 'met' : 'MISSED';
};

try {
  // ---------------------------------------------------------------- 1. GET requests.json
  if (ONLY !== 'post') {
  const q = `/open311/v2/requests.json?jurisdiction_id=${JURISDICTION}&api_key=${encodeURIComponent(apiKey)}`;
  const kinds: [string, () => string][] = [
    ['default window', () => q],
    ['status=open', () => `${q}&status=open`],
    ['status=closed', () => `${q}&status=closed`],
    ['service_code list', () => `${q}&service_code=${services.slice(0, 3).join(',')}`],
    ['random 30-day window', () => {
      const from = nowS - Math.floor(Math.random() * (yearS - 30 * 86400)) - 30 * 86400;
      return `${q}&start_date=${iso(from)}&end_date=${iso(from + 30 * 86400)}`;
    }],
    ['service_request_id list', () => `${q}&service_request_id=${numbers.slice(0, 1 + Math.floor(Math.random() * 20)).join(',')}`],
  ];
  // 1. without Accept-Encoding (the target: a client that asks for no compression), then 1b. with
  // gzip as browsers and most HTTP libraries ask (reported beside it, bytes as sent on the wire).
  for (const gzip of [false, true]) {
    if (gzip && process.env.BENCH_GZIP === '0') break;
    let bytes = 0;
    const got = await phase(async (c, i) => {
      const [kind, url] = kinds[(c + i) % kinds.length]!;
      const r = await request('GET', url(), undefined, gzip ? { 'accept-encoding': 'gzip' } : {});
      expectOk(r, kind);
      bytes += r.bytes;
      return kind;
    });
    const all = [...got.lat.values()].flat();
    log(`\n1${gzip ? 'b' : ''}. GET requests.json${gzip ? ' with Accept-Encoding: gzip' : ''}, ${CLIENTS} clients: ${all.length.toLocaleString('en')} requests in ${SECONDS} s (${Math.round(all.length / SECONDS)}/s, ${got.errors} errors), ~${Math.round(bytes / Math.max(1, all.length) / 1024)} KB each on the wire`);
    for (const [kind, xs] of got.lat) log(`   ${kind.padEnd(24)} p50 ${ms(pct(xs, 50))} · p95 ${ms(pct(xs, 95))} · p99 ${ms(pct(xs, 99))} (${xs.length})`);
    const getP95 = pct(all, 95);
    log(`   all: p50 ${ms(pct(all, 50))} · p95 ${ms(getP95)} · p99 ${ms(pct(all, 99))}; server CPU ${(got.cpu / Math.max(1, all.length)).toFixed(2)} ms per request`);
    log(`   target p95 ≤ ${TARGET.getP95} ms: p95 / target = ${(getP95 / TARGET.getP95).toFixed(2)} — ${gzip ? (getP95 <= TARGET.getP95 ? 'met' : 'missed') + ' (informative)' : verdict(getP95 <= TARGET.getP95 && got.errors === 0)}`);
    log(`   ${load()}`);
  }
  }

  // ---------------------------------------------------------------- 2. POST requests.json
  if (ONLY !== 'get') {
  let n = 0;
  const run = Date.now().toString(36);
  const posted = await phase(async (c) => {
    const k = n++;
    const site = sites[k % sites.length]!;
    const fields: [string, string][] = [
      ['api_key', apiKey], ['jurisdiction_id', JURISDICTION], ['service_code', services[k % services.length]!],
      ['lat', String(Number(site.lat) + ((k % 7) - 3) * 0.00005)], ['long', String(Number(site.lng) + ((k % 5) - 2) * 0.00005)],
      ['attribute[site_kind]', 'bin_room'], ['attribute[waste_types][]', 'wet'], ['attribute[waste_types][]', 'dry'],
      ['description', `压测上报 ${run}-${k}：箱房满溢`], ['phone', '13800000000'],
    ];
    const headers: Record<string, string> = {};
    if (k % 2) headers['idempotency-key'] = `bench-${run}-${k}`;
    else fields.push(['device_id', `bench-device-${c}`]);
    const r = await request('POST', '/open311/v2/requests.json', new URLSearchParams(fields).toString(), headers);
    if (r.status === 400 && r.text.includes('service_code')) throw new Error(r.text);
    expectOk(r, 'POST requests');
    return 'post';
  });
  const xs = posted.lat.get('post') ?? [];
  const rate = xs.length / SECONDS;
  const p99 = pct(xs, 99);
  log(`\n2. POST requests.json, ${CLIENTS} clients: ${xs.length.toLocaleString('en')} filings in ${SECONDS} s (${posted.errors} errors)`);
  log(`   ${Math.round(rate)} requests/s · p50 ${ms(pct(xs, 50))} · p95 ${ms(pct(xs, 95))} · p99 ${ms(p99)}; server CPU ${(posted.cpu / Math.max(1, xs.length)).toFixed(2)} ms per request`);
  log(`   target ≥ ${TARGET.postRate}/s: rate / target = ${(rate / TARGET.postRate).toFixed(2)} — ${verdict(rate >= TARGET.postRate && posted.errors === 0)}`);
  log(`   target p99 ≤ ${TARGET.postP99} ms: p99 / target = ${(p99 / TARGET.postP99).toFixed(2)} — ${verdict(p99 <= TARGET.postP99)}`);
  log(`   ${load()}`);
  }
} finally {
  agent.destroy();
  proc.kill('SIGTERM');
  await new Promise((r) => proc.once('exit', r));
  fs.rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
