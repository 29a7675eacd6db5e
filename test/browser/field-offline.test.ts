/// <reference lib="dom" />
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContextOptions } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readConfig } from '../../src/config.js';
import { createDatabase, type Db, migrateToLatest } from '../../src/db/index.js';
import { seedDemo } from '../../src/domain/demo/seed-demo.js';
import { systemClock } from '../../src/domain/shared/clock.js';
import { buildApp } from '../../src/server/app.js';
import type { Deps } from '../../src/server/deps.js';
import { DEMO_PASSWORD, describeBrowser, eventually, launchBrowser, newContext, PHONE, signInThroughForm } from './helpers/browser.js';
import { apiSession, installedPhone, outboxCount } from './helpers/field-phone.js';
import { explained } from './helpers/outbox-diagnosis.js';
import { ensureWebBuiltForTests } from './helpers/web-build.js';
import { testLogOptions } from '../helpers/test-logs.js';
import { scopeOf } from './helpers/scope.js';


/** A camera-like JPEG (noisy, so it does not compress to nothing). */
async function cameraJpeg(width: number, height: number, seed: number) {
  const raw = Buffer.alloc(width * height * 3);
  let x = seed * 2654435761;
  for (let i = 0; i < raw.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    raw[i] = (x >>> 16) & 0xff;
  }
  return { name: `IMG_${seed}.jpg`, mimeType: 'image/jpeg', buffer: await sharp(raw, { raw: { width, height, channels: 3 } }).jpeg({ quality: 92 }).toBuffer() };
}

/** The real server on one port and one SQLite file, which the test can stop and start again (a crash mid-sync). */
class RestartableServer {
  url = '';
  db!: Db;
  private app: Awaited<ReturnType<typeof buildApp>> | null = null;
  private deps!: Deps;
  private destroy!: () => Promise<void>;
  private dir = '';
  private webDir = '';
  port = 0;
  async start() {
    this.webDir = await ensureWebBuiltForTests();
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-offline-'));
    const config = readConfig({ DATA_DIR: this.dir, LOG_LEVEL: 'warn' });
    const handle = createDatabase(config.database);
    await migrateToLatest(handle.db);
    await seedDemo(handle.db, systemClock);
    this.db = handle.db;
    this.destroy = () => handle.destroy();
    this.deps = { db: handle.db, dbKind: handle.kind, config, clock: systemClock };
    await this.listen();
  }
  async listen() {
    this.app = await buildApp(this.deps, { webDir: this.webDir, ...testLogOptions('field-offline') });
    this.url = await this.app.listen({ port: this.port, host: '127.0.0.1' });
    this.port = Number(new URL(this.url).port);
  }
  /** Lets `hook` see each request; e.g. to stop the server after the first write of a batch. */
  onRequest(hook: (url: string, method: string) => void) {
    this.app!.addHook('onResponse', async (req) => hook(req.url, req.method));
  }
  async stop() {
    await this.app?.close();
    this.app = null;
  }
  async close() {
    await this.stop();
    await this.destroy();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

describeBrowser('field app offline: outbox, exactly-once sync, service worker', () => {
  const server = new RestartableServer();
  let browser: Browser;
  let room: { id: string; lat: number; lng: number; qr_code: string | null; name: string };
  let shop: { id: string; lat: number; lng: number };
  let rooms: { id: string; lat: number; lng: number; qr_code: string | null; name: string }[];

  beforeAll(async () => {
    [, browser] = await Promise.all([server.start(), launchBrowser()]);
    const c = await scopeOf(server.db, 'cadre01');
    const sites = server.db.selectFrom('sites').select(['id', 'lat', 'lng', 'qr_code', 'name']).where('committee_id', '=', c.committee_id!).orderBy('id');
    rooms = await sites.where('kind', '=', 'bin_room').execute();
    room = rooms[0]!;
    shop = await sites.where('kind', '=', 'shop').executeTakeFirstOrThrow();
  });
  afterAll(async () => {
    await browser?.close();
    await server.close();
  });

  const phone = (opts: BrowserContextOptions = {}, username = 'patrol1', at = room) => installedPhone(browser, server.url, username, at, opts);

  it('offline: a check-in and an inspection with a reported failure (photo) are kept, survive a reload, and are stored exactly once when back online', async () => {
    const { ctx, page } = await phone();
    // Visit the pages once online so today's data is cached, as a patrol would in the morning.
    await page.goto(`/m/checkin/${room.id}`);
    await page.getByTestId('checkin-site').waitFor();
    await page.goto(`/m/inspect/${shop.id}`);
    await page.getByTestId('item-SH-FRONTAGE').waitFor();
    await page.goto(`/m/checkin/${room.id}`);
    await page.getByTestId('checkin-site').waitFor();
    const checkinsBefore = (await server.db.selectFrom('checkins').select('id').execute()).length;

    await ctx.setOffline(true);
    await page.getByTestId('offline-notice').waitFor();
    await eventually(() => page.getByTestId('gps-accuracy').textContent()).toContain('10');
    const big = await cameraJpeg(2400, 1800, 7);
    await page.getByTestId('checkin-photo').setInputFiles(big);
    await page.getByTestId('checkin-photo-pending').waitFor();
    await page.getByTestId('checkin-submit').click();
    await page.getByTestId('checkin-queued').waitFor();

    await page.goto(`/m/inspect/${shop.id}`).catch(() => undefined);
    const frontage = page.getByTestId('item-SH-FRONTAGE');
    await frontage.waitFor();
    await frontage.locator('input[value=fail]').check();
    await page.getByTestId('before-SH-FRONTAGE').setInputFiles(await cameraJpeg(1200, 900, 9));
    await page.getByTestId('before-SH-FRONTAGE-pending').waitFor();
    await frontage.locator('input[value=reported]').check();
    await page.getByTestId('inspect-submit').click();
    await page.getByTestId('inspect-queued').waitFor();
    await eventually(() => outboxCount(page)).toBe('2');

    // Reload while offline: the service worker serves the shell; the outbox is still there.
    await page.reload();
    await eventually(() => outboxCount(page)).toBe('2');
    await page.getByTestId('outbox-link').click();
    await eventually(() => page.getByTestId('outbox-item-pending').count()).toBe(2);
    expect(await server.db.selectFrom('checkins').select('id').execute()).toHaveLength(checkinsBefore);

    await ctx.setOffline(false);
    await page.getByTestId('outbox-empty').waitFor({ timeout: 30_000 });
    const checkins = await server.db.selectFrom('checkins').selectAll().where('site_id', '=', room.id).execute();
    expect(checkins).toHaveLength(1);
    expect(checkins[0]!.repeat_count).toBe(0);
    const inspections = await server.db.selectFrom('inspections').select(['id', 'lat', 'lng', 'accuracy_m', 'recorded_at']).where('site_id', '=', shop.id).execute();
    expect(inspections).toHaveLength(1);
    // The inspection carried the phone's GPS and capture time: it is timed at capture (not when it
    // reached the server), and the reported case's event keeps the same device time.
    expect(inspections[0]!.lat).not.toBeNull();
    expect(Number(inspections[0]!.accuracy_m)).toBe(10);
    const ic = await server.db.selectFrom('inspection_cases as ic').innerJoin('case_events as e', 'e.case_id', 'ic.case_id').select('e.device_at').where('ic.inspection_id', '=', inspections[0]!.id).execute();
    expect(ic.length).toBeGreaterThan(0);
    expect(ic[0]!.device_at).toBeTruthy();
    expect(Date.parse(inspections[0]!.recorded_at)).toBe(Date.parse(ic[0]!.device_at!));
    expect(Date.parse(inspections[0]!.recorded_at)).toBeLessThan(Date.now());
    // The photo was re-encoded on the phone: ≤ 1600 px, ≤ 400 KB.
    const photo = await server.db.selectFrom('photos').selectAll().where('id', '=', checkins[0]!.photo_id!).executeTakeFirstOrThrow();
    expect(Number(photo.bytes)).toBeLessThanOrEqual(400 * 1024);
    expect(Math.max(photo.width!, photo.height!)).toBeLessThanOrEqual(1600);
    expect(big.buffer.length).toBeGreaterThan(Number(photo.bytes));
    await ctx.close();
  });

  const apiAs = (username: string) => apiSession(server.url, username);

  it('the server dies after storing the first check-in of a batch, before answering; after a restart on the same port and DB the sync completes exactly once', async () => {
    const a = rooms[1]!;
    const b = rooms.find((x, i) => i > 1 && x.qr_code)!;
    const { ctx, page } = await phone({}, 'patrol1', a);
    for (const r of [a, b]) {
      await page.goto(`/m/checkin/${r.id}`);
      await page.getByTestId('checkin-site').waitFor();
    }
    await ctx.setOffline(true);
    for (const [i, r] of [a, b].entries()) {
      await page.goto(`/m/checkin/${r.id}`).catch(() => undefined);
      await page.getByTestId('checkin-site').waitFor();
      await eventually(() => page.getByTestId('gps-accuracy').count()).toBe(1);
      await page.getByTestId('checkin-photo').setInputFiles(await cameraJpeg(640, 480, 20 + i));
      await page.getByTestId('checkin-photo-pending').waitFor();
      if (r === b) {
        // The phone stands at a, far from b: at b it checks in by b's QR plate (GPS alone would be off-site).
        await page.getByTestId('checkin-qr').fill(b.qr_code ?? '');
      }
      await page.getByTestId('checkin-submit').click();
      await page.getByTestId('checkin-queued').waitFor();
    }
    await eventually(() => outboxCount(page)).toBe('2');

    // The first check-in reaches the server and is stored; then the server goes down before the
    // phone gets the answer (the connection is reset).
    let crashed = false;
    const seen: string[] = [];
    await ctx.route('**/api/checkins', async (route) => {
      const req = route.request();
      if (req.method() !== 'POST') return route.continue();
      seen.push(req.headers()['idempotency-key'] ?? '');
      if (crashed) return route.continue();
      crashed = true;
      const res = await route.fetch();
      expect(res.status()).toBe(201);
      await server.stop();
      await route.abort('connectionreset');
    });
    await ctx.setOffline(false);
    await eventually(() => crashed).toBe(true);
    await eventually(() => page.getByTestId('outbox-count').getAttribute('data-n')).toBe('2');
    expect(await server.db.selectFrom('checkins').select('id').where('site_id', '=', a.id).execute()).toHaveLength(1);
    await server.listen();
    await page.getByTestId('outbox-bar').waitFor({ state: 'detached', timeout: 60_000 });
    for (const r of [a, b]) {
      const rows = await server.db.selectFrom('checkins').selectAll().where('site_id', '=', r.id).execute();
      expect(rows, r.id).toHaveLength(1);
      expect(rows[0]!.repeat_count).toBe(0);
    }
    // The retry of the first check-in carried the same key as the lost attempt.
    expect(seen[0]).toMatch(/^fld-/);
    expect(seen.filter((k) => k === seen[0]).length).toBeGreaterThanOrEqual(2);
    await ctx.close();
  });

  it('with geolocation denied, a check-in by the QR plate goes through', async () => {
    const r = rooms.filter((x, i) => i > 1 && x.qr_code)[1]!;
    expect(r).toBeTruthy();
    const ctx = await newContext(browser, server.url, { ...PHONE, permissions: [] });
    await ctx.addInitScript(() => {
      // As in a WebView where the person refused the position: every request errors at once.
      const deny = (_ok: unknown, fail?: (e: { code: number; message: string }) => void) => {
        fail?.({ code: 1, message: 'User denied Geolocation' });
        return 1;
      };
      Object.defineProperty(navigator, 'geolocation', { value: { getCurrentPosition: deny, watchPosition: deny, clearWatch: () => undefined } });
    });
    const page = await ctx.newPage();
    await signInThroughForm(page, 'patrol1', '/m/sign-in');
    await page.waitForURL((u) => !u.pathname.endsWith('/sign-in'));
    await page.goto(`/m/checkin/${r.id}`);
    await eventually(() => page.getByTestId('gps-status').textContent()).toContain('无法定位');
    await page.getByTestId('checkin-photo').setInputFiles(await cameraJpeg(320, 240, 31));
    await page.getByTestId('checkin-photo-done').waitFor();
    await page.getByTestId('checkin-qr').fill(r.qr_code!);
    await page.getByTestId('checkin-submit').click();
    await page.getByTestId('checkin-done').waitFor();
    const rows = await server.db.selectFrom('checkins').select(['method', 'status']).where('site_id', '=', r.id).execute();
    expect(rows).toEqual([{ method: 'qr', status: 'on_site' }]);
    await ctx.close();
  });

  it('conflict: the case is handled and closed on the console while the phone holds a pending "handle"; the phone shows the conflict and keeps it', async () => {
    const operator = await apiAs('operator');
    const patrol = await apiAs('patrol1');
    const handlerDesk = await apiAs('handler1');
    const sub = await server.db.selectFrom('sites').select('subdistrict_id').where('id', '=', room.id).executeTakeFirstOrThrow();
    const cat = await server.db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', sub.subdistrict_id).where('code', '=', 'A0301').executeTakeFirstOrThrow();
    const unit = (await server.db.selectFrom('users').select('handling_unit_id').where('username', '=', 'handler1').executeTakeFirstOrThrow()).handling_unit_id!;
    let c = await patrol('POST', '/api/cases', { source: 'patrol', categoryId: cat.id, siteId: room.id, lng: room.lng, lat: room.lat, description: '离线冲突测试' });
    expect(c.status).toBe(201);
    c = await operator('POST', `/api/cases/${c.json.id}/transitions`, { action: 'file', version: c.json.version });
    c = await operator('POST', `/api/cases/${c.json.id}/transitions`, { action: 'dispatch', version: c.json.version, unitId: unit });
    expect(c.status).toBe(200);
    const caseId = c.json.id as string;
    const version = c.json.version as number;

    const { ctx, page } = await phone({}, 'handler1');
    await ctx.setOffline(true);
    // The "handle" captured on the phone (as the my-tasks page captures it): photo kept as a Blob.
    const photo = await cameraJpeg(320, 240, 41);
    await page.evaluate(
      async ({ caseId, version, bytes, lng, lat }) => {
        const db = await new Promise<IDBDatabase>((ok, no) => {
          const r = indexedDB.open('closeloop-outbox', 1);
          r.onupgradeneeded = () => r.result.createObjectStore('actions', { keyPath: 'seq', autoIncrement: true });
          r.onsuccess = () => ok(r.result);
          r.onerror = () => no(r.error);
        });
        const token = 'outbox-photo:0b9c6f1e-0000-4000-8000-000000000001';
        await new Promise((ok, no) => {
          const tx = db.transaction('actions', 'readwrite');
          tx.objectStore('actions').add({
            key: `fld-${crypto.randomUUID()}`, label: '处置', method: 'POST', path: `/api/cases/${caseId}/transitions`,
            body: { action: 'handle', version, note: '已二次分拣', photoIds: [token], gps: { lng, lat, accuracy: 5 } },
            photos: [{ token, blob: new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), name: 'h.jpg', takenAt: null, lat: null, lng: null }],
            capturedAt: new Date().toISOString(), position: null, state: 'pending', attempts: 0, nextAttemptAt: 0, lastError: null, serverState: null,
          });
          tx.oncomplete = ok;
          tx.onerror = () => no(tx.error);
        });
      },
      { caseId, version, bytes: [...photo.buffer], lng: room.lng, lat: room.lat },
    );
    await page.reload();
    await eventually(() => outboxCount(page)).toBe('1');

    // Meanwhile, on the console: handled at the desk and closed by the patrol's check.
    const after = await (async () => {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array((await cameraJpeg(64, 48, 42)).buffer)], { type: 'image/jpeg' }), 'a.jpg');
      const res = await fetch(`${server.url}/api/photos`, { method: 'POST', body: form, headers: { cookie: (await (await fetch(`${server.url}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'handler1', password: DEMO_PASSWORD }) })).headers.get('set-cookie'))!.split(';')[0]! } });
      return (await res.json()) as { id: string };
    })();
    c = await handlerDesk('POST', `/api/cases/${caseId}/transitions`, { action: 'handle', version, note: '桌面处置', photoIds: [after.id], gps: { lng: room.lng, lat: room.lat, accuracy: 5 } });
    expect(c.status).toBe(200);
    c = await patrol('POST', `/api/cases/${caseId}/transitions`, { action: 'check_pass', version: c.json.version });
    expect(c.status).toBe(200);
    expect(c.json.status).toBe('closed');

    await ctx.setOffline(false);
    // Each step says, when it fails, where the phone was and what its outbox held (not only "timeout").
    await explained(page, 'the queued handle did not show as a conflict', eventually(() => page.getByTestId('outbox-conflicts').getAttribute('data-n')).toBe('1'));
    await page.getByTestId('outbox-link').click();
    await explained(page, 'tapping the outbox strip did not open the outbox page', page.waitForURL((u) => u.pathname === '/m/outbox'));
    const item = page.getByTestId('outbox-item-conflict');
    await explained(page, 'the outbox page does not list the conflict', item.waitFor());
    expect(await item.getByTestId('outbox-error').getAttribute('data-code')).toMatch(/stale_version|transition_not_allowed/);
    expect(await item.getByTestId('outbox-server-state').textContent()).toContain('已结案');
    await page.getByTestId('outbox-rule').waitFor();
    // The phone's handle was not applied: one handle event on the case.
    const events = await server.db.selectFrom('case_events').select('action').where('case_id', '=', caseId).execute();
    expect(events.filter((e) => e.action === 'handle')).toHaveLength(1);
    // Discarding is the person's choice, confirmed, and only then is it gone.
    let asked = '';
    page.once('dialog', (d) => { asked = d.message(); void d.accept(); });
    await item.getByTestId('outbox-discard').click();
    await page.getByTestId('outbox-empty').waitFor();
    expect(asked).toContain('放弃这条记录');
    await ctx.close();
  });
});
