/**
 * `npm run bench:services` — the 一网通办 front office at Shanghai scale on SQLite.
 * Data: `closeloop seed --scale city --services-only` (215 subdistricts, each with its centre,
 * committee mobile windows, building windows, terminals and police grids, and a year of records
 * and ratings by the same generator as the demo), in a temp dir; BENCH_DB=<file> reuses one (the
 * seeding is skipped; BENCH_KEEP=1 keeps the temp dir of a fresh one).
 * 1. Booking and ticket calls over HTTP against a real server on 127.0.0.1: BENCH_CLIENTS (50)
 *    concurrent clients, each the window of a committee in a subdistrict of its own (spread over
 *    the city), for BENCH_SECONDS (10) after a 5 s warm-up (BENCH_WARMUP_SECONDS) that is not counted, each playing
 *    visits back to back (scripts/bench/services-visit.ts): the citizen lists the slots, books,
 *    cancels by the link and books again from the public page (each citizen from an address of
 *    its own behind a trusted proxy, as the public rate limit sees them); the window finds the
 *    booking by its code, checks it in, issues a walk-in ticket, calls next, starts, records the
 *    service and completes it, finishes; calls next, starts and finishes the other ticket.
 *    The server's clock starts at 10:00 Shanghai on the next working day (BENCH_CLOCK_START in
 *    scripts/bench/cases-server.ts) so the windows are open whenever the bench runs; the bench
 *    windows' sessions take 1,000 bookings (the seed's 12 would fill in a second; the capacity
 *    rule itself is tested in test/services/appointments.test.ts). p50/p95/p99 per call, each
 *    p99 as a ratio to the target ≤ 25 ms.
 * 2. Network and coverage reports (grid coverage, 15-minute life circle, points list, waiting
 *    times), citywide and per subdistrict (one of the clients' subdistricts per repeat),
 *    BENCH_REPORT_REPEATS (20) times each, sequential. Target ≤ 200 ms (p95).
 * Prints each figure with its ratio to the target and the load average; exits 1 when a target is
 * missed. BENCH_ONLY=calls|reports runs one phase; BENCH_PROF_DIR=<dir> writes the server's CPU
 * profile there.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { createDatabase, migrateToLatest } from '../src/db/index.js';
import { addDays, shanghaiDate } from '../src/domain/calendar/office-hours.js';
import { isWorkingDay, overrideMap } from '../src/domain/calendar/working-days.js';
import { DEMO_PASSWORD } from '../src/domain/demo/seed-demo.js';
import { isoWeekday, slotInstant } from '../src/domain/service-queue/slots.js';
import { httpClient } from './bench/http-client.js';
import { productServerFlags } from './bench/server-flags.js';
import { CALLS, type CallName, visit } from './bench/services-visit.js';
import { freePorts } from './bench/free-port.js';
import { WARMUP_SECONDS } from './bench/warm-up.js';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const REPEATS = Number(process.env.BENCH_REPORT_REPEATS ?? 20);
const SUBDISTRICTS = Number(process.env.BENCH_SUBDISTRICTS ?? 215);
const RECORDS_PER_DAY = Number(process.env.BENCH_RECORDS_PER_DAY ?? 20);
const ONLY = process.env.BENCH_ONLY ?? '';
const CALL_TARGET_MS = 25;
const REPORT_TARGET_MS = 200;
/** The session the citizens book: the afternoon one, hours after the server's 10:00. */
const SESSION = '13:30';
const BENCH_CAPACITY = 1000;
const [PORT] = await freePorts();
const base = `http://127.0.0.1:${PORT}`;
const log = (s: string) => console.log(s);
const load = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
};
const ratio = (v: number, target: number) => `${(v / target).toFixed(2)}× target`;
const ms = (v: number) => `${v.toFixed(1)} ms`;
const missed: string[] = [];

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
// A reused database gets the migrations that landed since it was seeded (indexes among them).
{
  const handle = createDatabase({ kind: 'sqlite', file });
  const applied = await migrateToLatest(handle.db);
  await handle.destroy();
  if (applied.length) log(`  migrated: ${applied.join(', ')}`);
}
const sqlite = new SQLite(file);
const count = (sql: string) => Number((sqlite.prepare(sql).get() as { n: number }).n);
log(`  ${count('select count(*) as n from subdistricts')} subdistricts, ${count('select count(*) as n from service_points')} service points, ` +
  `${count('select count(*) as n from service_grids')} grids, ${count('select count(*) as n from service_records')} records, ${count('select count(*) as n from service_ratings')} ratings`);
const item = sqlite.prepare(`select item_id as id from service_item_versions where name_zh = '居住证签注' order by version desc limit 1`).get() as { id: string };
const lifeItem = sqlite.prepare(`select item_id as id from service_item_versions where name_zh = '住房租赁合同网签备案' order by version desc limit 1`).get() as { id: string };
// Each client is a committee's cadre at its committee's mobile window; the committees' subdistricts
// are spread evenly over the city (every k-th subdistrict by code).
const allWindows = sqlite.prepare(`
  select p.id as pointId, u.username, p.subdistrict_id as subdistrictId from service_points p
  join service_point_staff s on s.point_id = p.id join users u on u.id = s.user_id
  join service_point_items i on i.point_id = p.id and i.item_id = ?
  where p.kind = 'committee_window' and p.status = 'built' and p.code like '%-CW01' and u.role = 'cadre' order by p.code`).all(item.id) as { pointId: string; username: string; subdistrictId: string }[];
const windows = Array.from({ length: Math.min(CLIENTS, allWindows.length) }, (_, i) => allWindows[Math.floor((i * allWindows.length) / CLIENTS)]!);
if (windows.length < CLIENTS || new Set(windows.map((w) => w.subdistrictId)).size < CLIENTS) throw new Error(`only ${allWindows.length} committee windows for ${CLIENTS} clients`);

// The bench day: the next working day (State Council calendar and global overrides) on which the
// bench windows' afternoon session still has room from earlier runs on this database.
const overrides = overrideMap(sqlite.prepare(`select date, kind, subdistrict_id from calendar_overrides where subdistrict_id is null`).all() as never[]);
const placeholders = windows.map(() => '?').join(',');
const mostBooked = sqlite.prepare(`select coalesce(max(booked), 0) as n from service_slot_bookings where day = ? and starts = ? and point_id in (${placeholders})`);
let day = shanghaiDate(new Date());
for (let tries = 0; ; tries++) {
  day = addDays(day, 1);
  if (tries > 60) throw new Error('no working day with room for the bench in the next 60 days');
  if (isoWeekday(day) > 5 || !isWorkingDay(day, overrides)) continue;
  if (Number((mostBooked.get(day, SESSION, ...windows.map((w) => w.pointId)) as { n: number }).n) < BENCH_CAPACITY / 2) break;
}
const clockStart = new Date(slotInstant(day, '10:00').getTime());
sqlite.prepare(`update service_point_sessions set capacity = ? where starts = ? and point_id in (${placeholders})`).run(BENCH_CAPACITY, SESSION, ...windows.map((w) => w.pointId));
sqlite.close();
log(`  ${CLIENTS} windows in ${CLIENTS} subdistricts; the server's clock starts at ${clockStart.toISOString()} (10:00 Shanghai, ${day}); citizens book the ${SESSION} session`);

// ---------------------------------------------------------------- server
const server = spawn(process.execPath, [...productServerFlags(), ...(process.env.BENCH_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF_DIR}`] : []),
  '--import', 'tsx', path.join(import.meta.dirname, 'bench/cases-server.ts'), databaseUrl, String(PORT), ''], {
  stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  env: { ...process.env, BENCH_DATA_DIR: dir, BENCH_CLOCK_START: clockStart.toISOString(), BENCH_TRUSTED_PROXIES: '127.0.0.1' },
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
  // ---------------------------------------------------------------- 1. booking and ticket calls
  if (ONLY !== 'reports') await callsPhase();
  if (ONLY !== 'calls') await reportsPhase();
  log(`\nload average at the end ${load()}`);
  log(missed.length ? `targets missed: ${missed.join('; ')}` : 'every target met');
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  client.close();
  if (!reuse && !process.env.BENCH_KEEP) fs.rmSync(dir, { recursive: true, force: true });
}
process.exit(missed.length ? 1 : 0);

async function callsPhase() {
  const cookies: string[] = [];
  for (const w of windows) cookies.push(await signIn(w.username));
  const lat = Object.fromEntries(Object.keys(CALLS).map((k) => [k, [] as number[]])) as Record<CallName, number[]>;
  let errors = 0;
  let seq = Date.now() % 1_000_000 * 100;
  const warmUntil = performance.now() + WARMUP_SECONDS * 1000;
  const until = warmUntil + SECONDS * 1000;
  const measure = async (name: CallName, req: Promise<{ status: number; json: any }>, expect: number) => {
    const t = performance.now();
    const res = await req;
    if (t >= warmUntil && t < until) lat[name].push(performance.now() - t);
    if (res.status !== expect) {
      errors++;
      if (errors <= 5) log(`  ${CALLS[name]}: HTTP ${res.status} ${JSON.stringify(res.json).slice(0, 200)}`);
      return null;
    }
    return res.json;
  };
  // The server's CPU (user + system, all threads) over the measured seconds, per call.
  const cpuMs = () => {
    const f = fs.readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // clock ticks of 10 ms
  };
  // How often the event loop went to sleep and was woken (voluntary context switches of the main thread).
  const wakeUps = () => Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(fs.readFileSync(`/proc/${server.pid}/status`, 'utf8'))![1]);
  let wakeFrom = 0;
  let wakeTo = 0;
  const generatorMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  let cpuFrom = 0;
  let cpuTo = 0;
  let genFrom = 0;
  let genTo = 0;
  setTimeout(() => ((cpuFrom = cpuMs()), (genFrom = generatorMs()), (wakeFrom = wakeUps())), WARMUP_SECONDS * 1000);
  setTimeout(() => ((cpuTo = cpuMs()), (genTo = generatorMs()), (wakeTo = wakeUps())), (WARMUP_SECONDS + SECONDS) * 1000);
  await Promise.all(windows.map(async (w, i) => {
    while (performance.now() < until) {
      await visit({ client, cookie: cookies[i]!, pointId: w.pointId, itemId: item.id, day, starts: SESSION, measure }, seq++);
    }
  }));
  log(`\n1. Booking and ticket calls, ${CLIENTS} concurrent clients, ${SECONDS} s (after ${WARMUP_SECONDS} s warm-up), load average ${load()}`);
  const all: number[] = [];
  for (const [k, xs] of Object.entries(lat) as [CallName, number[]][]) {
    all.push(...xs);
    const p99 = pct(xs, 99);
    if (!(p99 <= CALL_TARGET_MS)) missed.push(CALLS[k]);
    log(`  ${CALLS[k]}: n=${xs.length} · p50 ${ms(pct(xs, 50))} · p95 ${ms(pct(xs, 95))} · p99 ${ms(p99)} (${ratio(p99, CALL_TARGET_MS)})`);
  }
  log(`  all calls: ${(all.length / SECONDS).toFixed(0)} calls/s, p99 ${ms(pct(all, 99))} — target ≤ ${CALL_TARGET_MS} ms: ${ratio(pct(all, 99), CALL_TARGET_MS)}; ${errors} errors`);
  log(`  server CPU per call ${((cpuTo - cpuFrom) / Math.max(1, all.length)).toFixed(2)} ms (${CLIENTS} clients calling back to back wait, on average, for ${CLIENTS} calls' worth of it); the load generator's ${((genTo - genFrom) / Math.max(1, all.length)).toFixed(2)} ms; the server's event loop woke ${((wakeTo - wakeFrom) / Math.max(1, all.length)).toFixed(2)} times per call`);
  if (errors) missed.push(`${errors} failed calls`);
}

// ---------------------------------------------------------------- 2. reports
async function reportsPhase() {
  const admin = await signIn('district-admin');
  const subs = windows.map((w) => w.subdistrictId);
  // The citywide waiting times come a page of points at a time: the run walks the pages, round and round.
  let cursor: string | null = null;
  const walk = (json: unknown) => {
    cursor = (json as { nextCursor: string | null }).nextCursor;
  };
  // So does the citywide point list (a page of 1,000 points by default).
  let pointCursor: string | null = null;
  const walkPoints = (json: unknown) => {
    pointCursor = (json as { nextCursor: string | null }).nextCursor;
  };
  const reports: [string, (i: number) => string, ((json: unknown) => void)?][] = [
    ['grid coverage, citywide', () => '/api/services/reports/grid-coverage'],
    ['grid coverage, per subdistrict', (i) => `/api/services/reports/grid-coverage?subdistrictId=${subs[i % subs.length]}`],
    ['life circle, citywide', () => `/api/services/reports/life-circle?itemId=${lifeItem.id}`],
    ['life circle, per subdistrict', (i) => `/api/services/reports/life-circle?itemId=${lifeItem.id}&subdistrictId=${subs[i % subs.length]}`],
    ['points list, citywide, page after page of 1,000 points', () => `/api/services/points${pointCursor ? `?after=${pointCursor}` : ''}`, walkPoints],
    ['points list, per subdistrict', (i) => `/api/services/points?subdistrictId=${subs[i % subs.length]}`],
    ['waiting times (7 days), citywide, page after page of 200 points', () => `/api/services/reports/waiting-times${cursor ? `?after=${cursor}` : ''}`, walk],
    ['waiting times (7 days), per subdistrict', (i) => `/api/services/reports/waiting-times?subdistrictId=${subs[i % subs.length]}`],
  ];
  log(`\n2. Network and coverage reports (${REPEATS} each after 2 not counted, sequential, as district-admin), load average ${load()}`);
  for (const [name, url, onAnswer] of reports) {
    const xs: number[] = [];
    let status = 200;
    let bytes = 0;
    for (let i = 0; i < REPEATS + 2; i++) {
      const t = performance.now();
      const res = await client.request('GET', url(i), { cookie: admin });
      // The time until the answer is received and parsed; the run's own size count comes after.
      if (i >= 2) xs.push(performance.now() - t);
      if (res.status !== 200) status = res.status;
      bytes = JSON.stringify(res.json).length;
      onAnswer?.(res.json);
    }
    const p95 = pct(xs, 95);
    if (status !== 200 || !(p95 <= REPORT_TARGET_MS)) missed.push(name);
    log(`  ${name}: ${status === 200 ? '' : `HTTP ${status} · `}p50 ${ms(pct(xs, 50))} · p95 ${ms(p95)} · max ${ms(Math.max(...xs))} (${Math.round(bytes / 1024)} KB) — target ≤ ${REPORT_TARGET_MS} ms: ${ratio(p95, REPORT_TARGET_MS)}`);
  }
}
