/**
 * `npm run bench:coverage` — coverage board and check-in recording at Shanghai scale on SQLite.
 * Targets (issue 4): a subdistrict's board p95 ≤ 200 ms, citywide ≤ 2 s; recording a check-in
 * p99 ≤ 10 ms at 20 concurrent clients over HTTP (photo upload excluded: photo rows exist).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { createDatabase, migrateToLatest } from '../src/db/index.js';
import { shanghaiDate } from '../src/domain/checkins/local-time.js';
import { newId } from '../src/domain/shared/ids.js';
import { generate, PASSWORD, SCALE } from './bench/coverage-data.js';

const HISTORY_DAYS = Number(process.env.BENCH_HISTORY_DAYS ?? 6);
const CLIENTS = 20;
const PER_CLIENT = Number(process.env.BENCH_CHECKINS_PER_CLIENT ?? 100);
const PORT = 3900 + Math.floor(Math.random() * 90);
const base = `http://127.0.0.1:${PORT}`;
const log = (s: string) => console.log(s);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(1)} ms · p95 ${pct(xs, 95).toFixed(1)} ms · p99 ${pct(xs, 99).toFixed(1)} ms · max ${Math.max(...xs).toFixed(1)} ms (n=${xs.length})`;

async function signIn(username: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  if (res.status !== 200) throw new Error(`sign-in ${username}: ${res.status} ${await res.text()}`);
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}

async function timed(url: string, cookie: string, init: RequestInit = {}): Promise<number> {
  const t = performance.now();
  const res = await fetch(url, { ...init, headers: { cookie, ...(init.headers ?? {}) } });
  await res.arrayBuffer();
  if (res.status >= 300) throw new Error(`${url}: ${res.status}`);
  return performance.now() - t;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-bench-'));
const file = path.join(dir, 'bench.db');
const today = shanghaiDate(new Date());
log(`closeloop bench:coverage — ${file}`);
const t0 = performance.now();
const h = createDatabase({ kind: 'sqlite', file });
await migrateToLatest(h.db);
await h.destroy();
const sqlite = new SQLite(file);
sqlite.pragma('journal_mode = WAL');
sqlite.pragma('synchronous = OFF');
const gen = await generate(sqlite, today, HISTORY_DAYS, log);
sqlite.exec('analyze');
log(`generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

// Photo rows for the check-ins to come (upload itself is excluded from the target).
const clients = gen.cadres.filter((c) => (gen.binRoomsByCommittee.get(c.committeeId) ?? []).length).slice(0, CLIENTS * 37).filter((_, i) => i % 37 === 0);
const photos = new Map<string, string[]>();
const insPhoto = sqlite.prepare('insert into photos (id, subdistrict_id, uploaded_by, sha256, mime, bytes, width, height, storage_key, created_at) values (?,?,?,?,?,?,?,?,?,?)');
sqlite.transaction(() => {
  for (const c of clients) {
    const ids: string[] = [];
    for (let i = 0; i < PER_CLIENT * 2; i++) {
      const id = newId();
      insPhoto.run(id, null, c.userId, `${id}-sha`, 'image/jpeg', 1000, 640, 480, `${id}.jpg`, new Date().toISOString());
      ids.push(id);
    }
    photos.set(c.userId, ids);
  }
})();
sqlite.close();

const server = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'bench/coverage-server.ts'), file, String(PORT)], { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise<void>((resolve, reject) => {
  server.stdout!.on('data', (d: Buffer) => d.toString().includes('READY') && resolve());
  server.once('exit', (code) => reject(new Error(`server exited ${code}`)));
});

try {
  // Coverage boards
  const ops = await Promise.all(gen.subdistricts.slice(0, 20).map((s) => signIn(s.operator)));
  for (const c of ops.slice(0, 3)) await timed(`${base}/api/coverage/board?from=${today}`, c); // warm-up
  const sub: number[] = [];
  for (let round = 0; round < 3; round++) for (const c of ops) sub.push(await timed(`${base}/api/coverage/board?from=${today}`, c));
  const city = await signIn('b-city');
  await timed(`${base}/api/coverage/board?from=${today}`, city);
  const cityDay: number[] = [];
  for (let i = 0; i < 10; i++) cityDay.push(await timed(`${base}/api/coverage/board?from=${today}`, city));
  const cityWeek: number[] = [];
  for (let i = 0; i < 5; i++) cityWeek.push(await timed(`${base}/api/coverage/board?from=${gen.days[0]}&to=${today}`, city));

  // Check-ins: 20 clients, each a cadre checking in at the bin rooms of their committee.
  const cookies = await Promise.all(clients.slice(0, CLIENTS).map((c) => signIn(c.username)));
  const run = async (pauseMs: number, offset: number) => {
    const lat: number[] = [];
    const started = performance.now();
    await Promise.all(
      clients.slice(0, CLIENTS).map(async (c, k) => {
        const rooms = gen.binRoomsByCommittee.get(c.committeeId)!;
        const ids = photos.get(c.userId)!;
        for (let i = 0; i < PER_CLIENT; i++) {
          const room = rooms[i % rooms.length]!;
          const body = JSON.stringify({ siteId: room.id, photoId: ids[offset + i], position: { lat: room.lat, lng: room.lng, accuracyM: 10 } });
          lat.push(await timed(`${base}/api/checkins`, cookies[k]!, { method: 'POST', headers: { 'content-type': 'application/json' }, body }));
          if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
        }
      }),
    );
    return { lat, rps: lat.length / ((performance.now() - started) / 1000) };
  };
  const paced = await run(100, 0);
  const saturated = await run(0, PER_CLIENT);

  log('\nResults (SQLite, one server process, HTTP on localhost)');
  log(`registry: ${SCALE.subdistricts} subdistricts, ${SCALE.binRooms} bin rooms, ${SCALE.shops} shops, ${SCALE.units} units; ${gen.days.length} days × ${SCALE.checkinsPerDay} check-ins`);
  log(`subdistrict board (1 day):   ${fmt(sub)}   target p95 ≤ 200 ms → ${pct(sub, 95) <= 200 ? 'PASS' : 'FAIL'}`);
  log(`citywide board (1 day):      ${fmt(cityDay)}   target ≤ 2000 ms → ${Math.max(...cityDay) <= 2000 ? 'PASS' : 'FAIL'}`);
  log(`citywide board (${gen.days.length} days):     ${fmt(cityWeek)}`);
  log(`check-in, 20 clients paced (100 ms think time, ${paced.rps.toFixed(0)} req/s): ${fmt(paced.lat)}   target p99 ≤ 10 ms → ${pct(paced.lat, 99) <= 10 ? 'PASS' : 'FAIL'}`);
  log(`check-in, 20 clients closed loop (no think time, ${saturated.rps.toFixed(0)} req/s): ${fmt(saturated.lat)}`);
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  if (!process.env.BENCH_KEEP) fs.rmSync(dir, { recursive: true, force: true });
}
