/**
 * `npm run bench:services` — the 一网通办 front office at Shanghai scale on SQLite.
 * Data: `closeloop seed --scale city --services-only` (215 subdistricts, each with its centre,
 * committee mobile windows, building windows, terminals and police grids, and a year of records
 * and ratings by the same generator as the demo), in a temp dir; BENCH_DB=<file> reuses one.
 * 1. Window calls over HTTP against a real server on 127.0.0.1: BENCH_CLIENTS (50) concurrent
 *    window clerks, each at its own committee window, for BENCH_SECONDS (10) after a 2 s warm-up
 *    that is not counted, each recording a service (POST /api/services/records) and finishing it
 *    (POST …/steps complete). Target p99 ≤ 25 ms per call.
 * 2. Network and coverage reports (grid coverage, 15-minute life circle, points list), citywide
 *    and for one subdistrict, BENCH_REPORT_REPEATS (20) times each. Target ≤ 200 ms (p95).
 * Prints each figure with its ratio to the target and the load average; stops by itself.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { withCheckDigit } from '../src/domain/service-records/masking.js';
import { DEMO_PASSWORD } from '../src/domain/demo/seed-demo.js';
import { httpClient } from './bench/http-client.js';
import { productServerFlags } from './bench/server-flags.js';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = 2;
const REPEATS = Number(process.env.BENCH_REPORT_REPEATS ?? 20);
const SUBDISTRICTS = Number(process.env.BENCH_SUBDISTRICTS ?? 215);
const RECORDS_PER_DAY = Number(process.env.BENCH_RECORDS_PER_DAY ?? 20);
const CALL_TARGET_MS = 25;
const REPORT_TARGET_MS = 200;
const PORT = 4900 + Math.floor(Math.random() * 90);
const base = `http://127.0.0.1:${PORT}`;
const log = (s: string) => console.log(s);
const load = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
};
const ratio = (v: number, target: number) => `${(v / target).toFixed(2)}× target`;

// ---------------------------------------------------------------- data
const reuse = process.env.BENCH_DB;
const dir = reuse ? path.dirname(reuse) : fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-bench-services-'));
const file = reuse ?? path.join(dir, 'bench.db');
const databaseUrl = `sqlite:${file}`;
log(`closeloop bench:services — ${file} (load average ${load()} on ${os.cpus().length} cores)`);
const t0 = performance.now();
if (!reuse) {
  await new Promise<void>((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, '../src/cli/main.ts'), 'seed', '--scale', 'city', '--services-only',
      '--city-subdistricts', String(SUBDISTRICTS), '--records-per-day', String(RECORDS_PER_DAY)], {
      stdio: ['ignore', 'inherit', 'ignore'], env: { ...process.env, DATABASE_URL: databaseUrl, DATA_DIR: dir, LOG_LEVEL: 'silent' },
    });
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`seed exited ${code}`))));
  });
  log(`  seeded in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}
const sqlite = new SQLite(file, { readonly: true });
const count = (sql: string) => Number((sqlite.prepare(sql).get() as { n: number }).n);
log(`  ${count('select count(*) as n from subdistricts')} subdistricts, ${count('select count(*) as n from service_points')} service points, ` +
  `${count('select count(*) as n from service_grids')} grids, ${count('select count(*) as n from service_records')} records, ${count('select count(*) as n from service_ratings')} ratings`);
// Each client is a committee's cadre at its committee's mobile window, in a subdistrict of its own.
const windows = sqlite.prepare(`
  select p.id as pointId, u.username, p.subdistrict_id as subdistrictId from service_points p
  join service_point_staff s on s.point_id = p.id join users u on u.id = s.user_id
  where p.kind = 'committee_window' and p.code like '%-CW01' and u.role = 'cadre' order by p.code limit ?`).all(CLIENTS) as { pointId: string; username: string; subdistrictId: string }[];
const item = sqlite.prepare(`select item_id as id from service_item_versions where name_zh = '居住证签注' order by version desc limit 1`).get() as { id: string };
const lifeItem = sqlite.prepare(`select item_id as id from service_item_versions where name_zh = '住房租赁合同网签备案' order by version desc limit 1`).get() as { id: string };
sqlite.close();
if (windows.length < CLIENTS) throw new Error(`only ${windows.length} committee windows for ${CLIENTS} clients`);

// ---------------------------------------------------------------- server
const server = spawn(process.execPath, [...productServerFlags(), '--import', 'tsx', path.join(import.meta.dirname, 'bench/cases-server.ts'), databaseUrl, String(PORT), ''], {
  stdio: ['ignore', 'pipe', 'inherit', 'ipc'], env: { ...process.env, BENCH_DATA_DIR: dir },
});
await new Promise<void>((resolve, reject) => {
  server.stdout!.on('data', (d: Buffer) => d.toString().includes('READY') && resolve());
  server.on('exit', (code) => reject(new Error(`server exited ${code}`)));
});
const client = httpClient(base, CLIENTS + 8);
async function signIn(username: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }) });
  if (res.status !== 200) throw new Error(`sign-in ${username}: ${res.status} ${await res.text()}`);
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}

try {
  // ---------------------------------------------------------------- 1. window calls
  const cookies: string[] = [];
  for (const w of windows) cookies.push(await signIn(w.username));
  const lat: Record<string, number[]> = { 'record (POST /api/services/records)': [], 'finish (POST …/steps complete)': [] };
  const [createKey, finishKey] = Object.keys(lat) as [string, string];
  let errors = 0;
  let n = 0;
  const warmUntil = performance.now() + WARMUP_SECONDS * 1000;
  const until = warmUntil + SECONDS * 1000;
  const call = async (key: string, cookie: string, url: string, body: unknown) => {
    const t = performance.now();
    const res = await client.request('POST', url, { cookie, body });
    const ms = performance.now() - t;
    if (res.status >= 300) {
      errors++;
      if (errors <= 3) log(`  ${url}: ${res.status} ${JSON.stringify(res.json).slice(0, 200)}`);
      return null;
    }
    if (t >= warmUntil) lat[key]!.push(ms);
    return res.json;
  };
  await Promise.all(windows.map(async (w, i) => {
    while (performance.now() < until) {
      const seq = n++;
      const rec = await call(createKey, cookies[i]!, '/api/services/records', {
        pointId: w.pointId, itemId: item.id, materials: [],
        applicant: { name: '测试', idNumber: withCheckDigit(`3101051990${String(seq % 10_000_000).padStart(7, '0')}`), phone: null },
      });
      if (!rec) continue;
      await call(finishKey, cookies[i]!, `/api/services/records/${rec.record.id}/steps`, { version: rec.record.version, action: 'complete', delivery: 'on_site' });
    }
  }));
  log(`\n1. Window calls, ${CLIENTS} concurrent clients, ${SECONDS} s (after ${WARMUP_SECONDS} s warm-up), load average ${load()}`);
  const all: number[] = [];
  for (const [k, xs] of Object.entries(lat)) {
    all.push(...xs);
    log(`  ${k}: n=${xs.length} p50 ${pct(xs, 50).toFixed(1)} ms · p95 ${pct(xs, 95).toFixed(1)} ms · p99 ${pct(xs, 99).toFixed(1)} ms (${ratio(pct(xs, 99), CALL_TARGET_MS)})`);
  }
  log(`  all window calls: ${(all.length / SECONDS).toFixed(0)} calls/s, p99 ${pct(all, 99).toFixed(1)} ms — target ≤ ${CALL_TARGET_MS} ms: ${ratio(pct(all, 99), CALL_TARGET_MS)}; ${errors} errors`);

  // ---------------------------------------------------------------- 2. reports
  const admin = await signIn('district-admin');
  const sub = windows[0]!.subdistrictId;
  const reports: [string, string][] = [
    ['grid coverage, citywide', '/api/services/reports/grid-coverage'],
    ['grid coverage, one subdistrict', `/api/services/reports/grid-coverage?subdistrictId=${sub}`],
    ['life circle, one subdistrict', `/api/services/reports/life-circle?itemId=${lifeItem.id}&subdistrictId=${sub}`],
    ['life circle, citywide', `/api/services/reports/life-circle?itemId=${lifeItem.id}`],
    ['points list, citywide', '/api/services/points'],
    ['points list, one subdistrict', `/api/services/points?subdistrictId=${sub}`],
  ];
  log(`\n2. Network and coverage reports (${REPEATS} each, sequential, as district-admin), load average ${load()}`);
  for (const [name, url] of reports) {
    const xs: number[] = [];
    let status = 0;
    for (let i = 0; i < REPEATS + 2; i++) {
      const t = performance.now();
      const res = await client.request('GET', url, { cookie: admin });
      status = res.status;
      if (i >= 2) xs.push(performance.now() - t);
    }
    log(`  ${name}: ${status === 200 ? '' : `HTTP ${status} · `}p50 ${pct(xs, 50).toFixed(1)} ms · p95 ${pct(xs, 95).toFixed(1)} ms · max ${Math.max(...xs).toFixed(1)} ms — target ≤ ${REPORT_TARGET_MS} ms: ${ratio(pct(xs, 95), REPORT_TARGET_MS)}`);
  }
  log(`\nload average at the end ${load()}`);
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  client.close();
  if (!reuse && !process.env.BENCH_KEEP) fs.rmSync(dir, { recursive: true, force: true });
}
