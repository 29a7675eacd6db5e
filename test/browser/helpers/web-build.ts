import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const WEB_DIST = path.join(ROOT, 'web/dist');
const MANIFEST = path.join(WEB_DIST, '.vite/manifest.json');
const LOCK = path.join(os.tmpdir(), `closeloop-web-build-${createHash('sha1').update(ROOT).digest('hex').slice(0, 10)}.lock`);
const SOURCES = [path.join(ROOT, 'web/src'), path.join(ROOT, 'web/public'), path.join(ROOT, 'web/index.html'), path.join(ROOT, 'web/m.html'), path.join(ROOT, 'web/report.html'), path.join(ROOT, 'web/point.html'), path.join(ROOT, 'web/vite.config.ts')];
const LOCK_STALE_MS = 5 * 60_000;
const WAIT_LIMIT_MS = 3 * 60_000;
const POLL_MS = 250;

function newestMtime(p: string): number {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const e of fs.readdirSync(p)) max = Math.max(max, newestMtime(path.join(p, e)));
  return max;
}

function isFresh(): boolean {
  if (!fs.existsSync(MANIFEST) || !fs.existsSync(path.join(WEB_DIST, 'index.html'))) return false;
  const built = fs.statSync(MANIFEST).mtimeMs;
  return SOURCES.every((s) => !fs.existsSync(s) || newestMtime(s) <= built);
}

function tryLock(): boolean {
  try {
    fs.mkdirSync(LOCK);
    return true;
  } catch {
    const st = fs.statSync(LOCK, { throwIfNoEntry: false });
    if (st && Date.now() - st.mtimeMs > LOCK_STALE_MS) fs.rmSync(LOCK, { recursive: true, force: true });
    return false;
  }
}

/**
 * Builds web/dist when it is missing or older than its sources, once per run: test files run
 * in parallel forks, so one takes a lock directory and the others wait for it to finish.
 */
export async function ensureWebBuiltForTests(): Promise<string> {
  const started = Date.now();
  while (!isFresh()) {
    if (tryLock()) {
      try {
        if (!isFresh()) {
          // Sources saved while the build runs must make it stale: the manifest gets the START time.
          const startedAt = new Date();
          const vite = path.join(ROOT, 'node_modules/vite/bin/vite.js');
          const r = spawnSync(process.execPath, [vite, 'build', '--config', path.join(ROOT, 'web/vite.config.ts'), '--logLevel', 'warn'], {
            cwd: ROOT,
            // vitest sets NODE_ENV=test, which would give React's development bundle.
            env: { ...process.env, NODE_ENV: 'production' },
            stdio: 'inherit',
          });
          if (r.status !== 0) throw new Error(`vite build failed (exit ${r.status})`);
          fs.utimesSync(MANIFEST, startedAt, startedAt);
        }
      } finally {
        fs.rmSync(LOCK, { recursive: true, force: true });
      }
      break;
    }
    if (Date.now() - started > WAIT_LIMIT_MS) throw new Error('Timed out waiting for another process to build web/dist');
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return WEB_DIST;
}
