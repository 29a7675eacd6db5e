#!/usr/bin/env node
// `npm run bench:web`: the quick-start and web-weight targets of the foundation.
//   (a) initial JS (gzip) of the console, the field app, the public report page and the point page: entry chunk + its static imports,
//       read from the Vite build manifest (lazy chunks such as Leaflet are not counted);
//   (b) `closeloop seed --demo` on a fresh data directory;
//   (c) cold `closeloop start` (database seeded, web built) until GET / answers 200 HTML.
// Prints figures, targets and ratios; exits 1 when a target is missed.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'web/dist');
const MANIFEST = path.join(DIST, '.vite/manifest.json');
const CLI = path.join(ROOT, 'bin/closeloop.js');
const KB = 1024;
const TARGETS = {
  fieldJs: 150 * KB,
  // The citizens' report page (/report) on a slow link: no more than the field app.
  reportJs: 150 * KB,
  // The 一网通办 point and rating pages (/point, /rate): the same budget, for the same phones.
  pointJs: 150 * KB,
  consoleJs: 400 * KB,
  seedMs: 5000,
  startMs: 3000,
};
const START_DEADLINE_MS = 60_000;
const POLL_MS = 20;

/**
 * Always a fresh production build: a build made under NODE_ENV=test (e.g. by the browser
 * tests' helper inside vitest) would carry React's development bundle and mislead.
 */
function build() {
  if (process.argv.includes('--no-build') && fs.existsSync(MANIFEST)) return;
  console.log('Building the web apps (production)…');
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('vite build failed');
}

/** Entry chunk plus every chunk it imports statically (transitively): what the page loads first. */
function initialChunks(manifest, entryKey) {
  const seen = new Set();
  const files = [];
  const css = new Set();
  const visit = (key) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    if (!chunk) throw new Error(`manifest has no ${key}`);
    files.push(chunk.file);
    for (const c of chunk.css ?? []) css.add(c);
    for (const imp of chunk.imports ?? []) visit(imp);
  };
  visit(entryKey);
  return { files, css: [...css] };
}

const gzipSize = (file) => zlib.gzipSync(fs.readFileSync(path.join(DIST, file)), { level: 9 }).length;

function measureWeights() {
  build();
  const manifest = JSON.parse(fs.readFileSync(MANIFEST, 'utf8'));
  const lazy = Object.values(manifest).filter((c) => c.isDynamicEntry).map((c) => c.file);
  const out = {};
  for (const [name, key] of [['console', 'index.html'], ['field', 'm.html'], ['report', 'report.html'], ['point', 'point.html']]) {
    const { files, css } = initialChunks(manifest, key);
    out[name] = {
      js: files.reduce((n, f) => n + gzipSize(f), 0),
      css: css.reduce((n, f) => n + gzipSize(f), 0),
      files,
    };
  }
  out.lazy = lazy.map((f) => ({ file: f, gzip: gzipSize(f) }));
  return out;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const CLOCK_TICKS_PER_S = 100; // USER_HZ on Linux
/** CPU time (user + sys, ms) of all children reaped so far, from /proc (Linux); null elsewhere. */
function childrenCpuMs() {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command name: state is field 3, so cutime/cstime (fields 16/17) are at 13/14 here.
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / CLOCK_TICKS_PER_S;
  } catch {
    return null;
  }
}

/** Wall time and, where available, CPU time of the children started inside `fn`. */
async function timed(fn) {
  const cpu0 = childrenCpuMs();
  const ms = await fn();
  const cpu1 = childrenCpuMs();
  return { ms, cpuMs: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0 };
}

function cliEnv(dataDir, extra = {}) {
  const env = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...extra };
  delete env.DATABASE_URL; // the quick start runs on the embedded SQLite file
  return env;
}

function runSeed(dataDir) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, 'seed', '--demo'], { cwd: ROOT, env: cliEnv(dataDir), encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`closeloop seed --demo failed:\n${r.stdout}\n${r.stderr}`);
  return ms;
}

async function firstPage(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    const type = res.headers.get('content-type') ?? '';
    const body = await res.text();
    return res.status === 200 && type.includes('text/html') && body.includes('<div id="root">');
  } catch {
    return false;
  }
}

async function coldStart(dataDir) {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, [CLI, 'start'], {
    cwd: ROOT,
    env: cliEnv(dataDir, { PORT: String(port), HOST: '127.0.0.1' }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  let exited = null;
  child.once('exit', (code) => (exited = code ?? -1));
  try {
    while (!(await firstPage(`http://127.0.0.1:${port}/`))) {
      if (exited !== null) throw new Error(`closeloop start exited (${exited}) before serving:\n${stderr}`);
      if (performance.now() - t0 > START_DEADLINE_MS) throw new Error(`no first page within ${START_DEADLINE_MS} ms:\n${stderr}`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    return performance.now() - t0;
  } finally {
    if (exited === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    }
  }
}

const kb = (n) => `${(n / KB).toFixed(1)} KB`;
const sec = (ms) => `${(ms / 1000).toFixed(2)} s`;

async function main() {
  const weights = measureWeights();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-bench-'));
  let seed;
  let firstStart;
  let start;
  try {
    seed = await timed(async () => runSeed(dataDir));
    // The target is for starts "after the first run"; the first one is shown for information.
    firstStart = await timed(() => coldStart(dataDir));
    start = await timed(() => coldStart(dataDir));
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }

  const cpu = (t) => (t.cpuMs === null ? 'n/a' : sec(t.cpuMs));
  const rows = [
    ['Field app initial JS (gzip)', weights.field.js, TARGETS.fieldJs, kb, ''],
    ['Console initial JS (gzip)', weights.console.js, TARGETS.consoleJs, kb, ''],
    ['Report page initial JS (gzip)', weights.report.js, TARGETS.reportJs, kb, ''],
    ['Point page initial JS (gzip)', weights.point.js, TARGETS.pointJs, kb, ''],
    ['closeloop seed --demo', seed.ms, TARGETS.seedMs, sec, cpu(seed)],
    ['Cold start to first page', start.ms, TARGETS.startMs, sec, cpu(start)],
  ];
  const w = [30, 12, 12, 8, 6, 10];
  const line = (cells) => cells.map((c, i) => String(c).padEnd(w[i])).join(' ');
  console.log(`\n${line(['Measure', 'Figure', 'Target', 'Ratio', 'OK', 'CPU time'])}`);
  console.log('-'.repeat(w.reduce((a, b) => a + b + 1, 0)));
  let failed = 0;
  for (const [label, value, target, fmt, cpuText] of rows) {
    const ok = value <= target;
    if (!ok) failed++;
    console.log(line([label, fmt(value), `≤ ${fmt(target)}`, `${Math.round((value / target) * 100)}%`, ok ? 'yes' : 'NO', cpuText]));
  }
  const load = os.loadavg().map((l) => l.toFixed(1)).join(' ');
  console.log(`\nMachine: ${os.cpus().length} CPUs, load average ${load} (wall times stretch when the machine is busy; CPU time is the process's own work).`);
  console.log(`First start after seeding: ${sec(firstStart.ms)} (CPU ${cpu(firstStart)})`);
  console.log(`Initial CSS (gzip): console ${kb(weights.console.css)}, field ${kb(weights.field.css)}`);
  console.log(`Console initial chunks: ${weights.console.files.join(', ')}`);
  console.log(`Field initial chunks:   ${weights.field.files.join(', ')}`);
  console.log(`Lazy chunks: ${weights.lazy.map((l) => `${l.file} ${kb(l.gzip)}`).join(', ') || 'none'}`);
  if (failed) {
    console.error(`\n${failed} target(s) missed.`);
    process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
