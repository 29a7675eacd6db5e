// `npm run bench:field`: the field app's targets on an emulated slow network (issue 7).
//   (a) field initial JS (gzip): entry chunk + static imports from the Vite manifest ≤ 150 KB;
//   (b) first load on 400 kbit/s, 400 ms RTT (CDP Network.emulateNetworkConditions) until the
//       sign-in form is usable ≤ 5 s;
//   (c) reopen while offline (service worker) until the role's home (today's route for a patrol officer) shows ≤ 1 s;
//   (d) a ~4 MB 4000×3000 camera JPEG picked on the check-in page is uploaded as ≤ 400 KB.
// A fresh production build, a temp SQLite database with the demo, Chromium at /usr/bin/chromium.
// Prints figures, targets and ratios; exits 1 when a target is missed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';
import sharp from 'sharp';
import { readConfig } from '../src/config.js';
import { createDatabase, migrateToLatest } from '../src/db/index.js';
import { seedDemo } from '../src/domain/demo/seed-demo.js';
import { systemClock } from '../src/domain/shared/clock.js';
import { buildApp } from '../src/server/app.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'web/dist');
const KB = 1024;
const TARGETS = { fieldJs: 150 * KB, firstLoadMs: 5000, reopenOfflineMs: 1000, uploadBytes: 400 * KB };
const SLOW = { offline: false, latency: 400, downloadThroughput: (400 * 1000) / 8, uploadThroughput: (400 * 1000) / 8 };
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function build() {
  if (process.argv.includes('--no-build') && fs.existsSync(path.join(DIST, '.vite/manifest.json'))) return;
  console.log('Building the web apps (production)…');
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('vite build failed');
}

function fieldInitialJs(): number {
  const manifest = JSON.parse(fs.readFileSync(path.join(DIST, '.vite/manifest.json'), 'utf8')) as Record<string, { file: string; imports?: string[] }>;
  const seen = new Set<string>();
  let bytes = 0;
  const visit = (k: string) => {
    if (seen.has(k)) return;
    seen.add(k);
    bytes += zlib.gzipSync(fs.readFileSync(path.join(DIST, manifest[k]!.file)), { level: 9 }).length;
    for (const i of manifest[k]!.imports ?? []) visit(i);
  };
  visit('m.html');
  return bytes;
}

async function cameraJpeg(): Promise<Buffer> {
  const w = 4000;
  const h = 3000;
  // Smooth gradient plus mild noise: compresses like a real scene (≈ 4 MB at quality 90).
  const raw = Buffer.alloc(w * h * 3);
  let x = 12345;
  for (let y = 0; y < h; y++) {
    for (let i = 0; i < w; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      const n = ((x >>> 16) & 0x3f) - 32;
      const o = (y * w + i) * 3;
      raw[o] = Math.max(0, Math.min(255, ((i * 255) / w) + n));
      raw[o + 1] = Math.max(0, Math.min(255, ((y * 255) / h) + n));
      raw[o + 2] = Math.max(0, Math.min(255, 128 + n));
    }
  }
  return sharp(raw, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
}

async function main() {
  build();
  const js = fieldInitialJs();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-bench-field-'));
  const config = readConfig({ DATA_DIR: dir, LOG_LEVEL: 'warn' });
  const handle = createDatabase(config.database);
  await migrateToLatest(handle.db);
  await seedDemo(handle.db, systemClock);
  const app = await buildApp({ db: handle.db, dbKind: handle.kind, config, clock: systemClock }, { webDir: DIST });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: ARGS });
  const out: Record<string, number> = {};
  try {
    const ctx = await browser.newContext({ baseURL: url, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' });
    const page = await ctx.newPage();
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', SLOW);
    let t0 = performance.now();
    await page.goto('/m/sign-in', { waitUntil: 'commit' });
    await page.locator('input[name=username]').waitFor({ state: 'visible' });
    await page.locator('input[name=username]').fill('patrol1');
    out.firstLoadMs = performance.now() - t0;
    await page.locator('input[name=password]').fill('closeloop2026');
    await page.locator('form.sign-in-form button[type=submit]').click();
    // A patrol officer lands on today's route (the phone's role home); other roles on the tile home.
    const home = (p: typeof page) => p.locator('[data-testid=today-list], [data-testid=m-hello]').first();
    await home(page).waitFor({ timeout: 30_000 });
    await page.evaluate(async () => void (await navigator.serviceWorker.ready));
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await page.reload();
    await home(page).waitFor();

    // Reopen offline: a new tab, no network at all.
    await ctx.setOffline(true);
    const again = await ctx.newPage();
    t0 = performance.now();
    await again.goto('/m');
    await home(again).waitFor();
    out.reopenOfflineMs = performance.now() - t0;
    await again.close();
    await ctx.setOffline(false);

    // Camera photo on the check-in page: compressed in the page, then uploaded.
    const room = await handle.db.selectFrom('sites').select('id').where('kind', '=', 'bin_room').where('status', '=', 'active').orderBy('id').executeTakeFirstOrThrow();
    await page.goto(`/m/checkin/${room.id}`);
    const jpeg = await cameraJpeg();
    out.cameraBytes = jpeg.length;
    const uploaded = page.waitForResponse((r) => r.url().endsWith('/api/photos') && r.request().method() === 'POST', { timeout: 60_000 });
    t0 = performance.now();
    await page.getByTestId('checkin-photo').setInputFiles({ name: 'IMG_4000x3000.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    const res = await uploaded;
    out.prepareUploadMs = performance.now() - t0;
    const body = (await res.json()) as { bytes: number; width: number; height: number };
    out.uploadBytes = body.bytes;
    out.uploadLongSide = Math.max(body.width, body.height);
    await ctx.close();
  } finally {
    await browser.close();
    await app.close();
    await handle.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const rows: [string, string, string, number][] = [
    ['field initial JS (gzip)', `${(js / KB).toFixed(1)} KB`, '≤ 150 KB', js / TARGETS.fieldJs],
    ['first load, 400 kbit/s 400 ms RTT → sign-in usable', `${Math.round(out.firstLoadMs!)} ms`, '≤ 5000 ms', out.firstLoadMs! / TARGETS.firstLoadMs],
    ['reopen offline → home', `${Math.round(out.reopenOfflineMs!)} ms`, '≤ 1000 ms', out.reopenOfflineMs! / TARGETS.reopenOfflineMs],
    [`camera JPEG ${(out.cameraBytes! / KB / KB).toFixed(2)} MB 4000×3000 → uploaded`, `${(out.uploadBytes! / KB).toFixed(1)} KB, ${out.uploadLongSide} px`, '≤ 400 KB, ≤ 1600 px', out.uploadBytes! / TARGETS.uploadBytes],
  ];
  console.log('\nMeasure | Figure | Target | Ratio | OK');
  let ok = out.uploadLongSide! <= 1600;
  for (const [m, f, t, r] of rows) {
    console.log(`${m} | ${f} | ${t} | ${r.toFixed(2)} | ${r <= 1 ? 'yes' : 'NO'}`);
    if (r > 1) ok = false;
  }
  console.log(`(photo picked → compressed → uploaded in ${Math.round(out.prepareUploadMs!)} ms, unthrottled)`);
  process.exit(ok ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
