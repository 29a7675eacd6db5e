/// <reference lib="dom" />
import QRCode from 'qrcode';
import sharp from 'sharp';
import { beforeAll, expect, it } from 'vitest';
import { offsetMetres } from '../../src/domain/geo/haversine.js';
import { newId } from '../../src/domain/shared/ids.js';
import { describeBrowser, eventually, newContext, PHONE, signInThroughForm, solidJpeg, fieldHome } from './helpers/browser.js';
import { apiSession } from './helpers/field-phone.js';
import { browserSuite } from './helpers/suite.js';
import { scopeOf } from './helpers/scope.js';

type Room = { id: string; lat: number; lng: number; qr_code: string | null; name: string; subdistrict_id: string };

/** A phone photo of a bin room's QR plate: the code on a grey wall, as a JPEG from the camera. */
async function plateJpeg(code: string) {
  const qr = await QRCode.toBuffer(code, { type: 'png', width: 360, margin: 4, errorCorrectionLevel: 'M' });
  const buffer = await sharp({ create: { width: 800, height: 600, channels: 3, background: { r: 150, g: 150, b: 145 } } })
    .composite([{ input: qr, left: 220, top: 120 }])
    .jpeg({ quality: 90 })
    .toBuffer();
  return { name: 'IMG_plate.jpg', mimeType: 'image/jpeg', buffer };
}

/** The field app without BarcodeDetector (iOS, WeChat): QR by the JS decoder; "report a problem here"; the inbox. */
describeBrowser('field app: QR decoded in JS, report from a check-in, inbox', () => {
  const suite = browserSuite();
  let rooms: Room[];

  beforeAll(async () => {
    const c = await scopeOf(suite.server.db, 'cadre01');
    rooms = await suite.server.db.selectFrom('sites').select(['id', 'lat', 'lng', 'qr_code', 'name', 'subdistrict_id']).where('committee_id', '=', c.committee_id!).where('kind', '=', 'bin_room').orderBy('id').execute();
  });

  const apiAs = (username: string) => apiSession(suite.server.url, username);

  it('geolocation denied and no BarcodeDetector: a photo of the QR plate is decoded and the check-in completes by QR', async () => {
    const room = rooms.find((r) => r.qr_code)!;
    const ctx = await newContext(suite.browser, suite.server.url, { ...PHONE, permissions: [] });
    await ctx.addInitScript(() => {
      // As in iOS WebKit / a WeChat webview: no BarcodeDetector, and the position was refused.
      delete (window as { BarcodeDetector?: unknown }).BarcodeDetector;
      const deny = (_ok: unknown, fail?: (e: { code: number; message: string }) => void) => {
        fail?.({ code: 1, message: 'User denied Geolocation' });
        return 1;
      };
      Object.defineProperty(navigator, 'geolocation', { value: { getCurrentPosition: deny, watchPosition: deny, clearWatch: () => undefined } });
    });
    const page = await ctx.newPage();
    const scripts: string[] = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
    });
    await signInThroughForm(page, 'patrol1', '/m/sign-in');
    await page.waitForURL((u) => !u.pathname.endsWith('/sign-in'));
    await page.goto(`/m/checkin/${room.id}`);
    await eventually(() => page.getByTestId('gps-status').textContent()).toContain('无法定位');
    expect(await page.evaluate(() => 'BarcodeDetector' in window)).toBe(false);
    const before = scripts.length;
    await page.getByTestId('checkin-photo').setInputFiles(await solidJpeg(90, 90, 200));
    await page.getByTestId('checkin-photo-done').waitFor();
    await page.getByTestId('checkin-qr-file').setInputFiles(await plateJpeg(room.qr_code!));
    await eventually(() => page.getByTestId('checkin-qr').inputValue()).toBe(room.qr_code);
    // The decoder arrived only now, as its own chunk.
    expect(scripts.slice(before).some((s) => s.startsWith('/assets/'))).toBe(true);
    await page.getByTestId('checkin-submit').click();
    await page.getByTestId('checkin-done').waitFor();
    expect(await page.getByTestId('checkin-done').getAttribute('data-method')).toBe('qr');
    const rows = await suite.server.db.selectFrom('checkins').select(['method', 'status']).where('site_id', '=', room.id).execute();
    expect(rows).toEqual([{ method: 'qr', status: 'on_site' }]);
    // A photo without a code says so.
    await page.goto(`/m/checkin/${rooms.find((r) => r.qr_code && r.id !== room.id)!.id}`);
    await page.getByTestId('checkin-qr-file').setInputFiles(await solidJpeg(120, 120, 120));
    await eventually(() => page.getByTestId('checkin-qr-note').textContent()).toMatch(/未识别|未找到|没有/);
    await ctx.close();
  });

  it('"report a problem here" from the check-in opens the report with the bin room chosen and source checkin (cadre)', async () => {
    const room = rooms[3]!;
    const here = offsetMetres({ lat: room.lat, lng: room.lng }, 10, 90);
    const ctx = await newContext(suite.browser, suite.server.url, { ...PHONE, geolocation: { latitude: here.lat, longitude: here.lng, accuracy: 10 }, permissions: ['geolocation'] });
    const page = await ctx.newPage();
    await signInThroughForm(page, 'cadre01', '/m/sign-in');
    await page.waitForURL((u) => !u.pathname.endsWith('/sign-in'));
    await page.goto(`/m/checkin/${room.id}`);
    await page.getByTestId('checkin-site').waitFor();
    await page.getByTestId('checkin-report').click();
    await page.getByTestId('report-from-checkin').waitFor();
    expect(await page.getByTestId('report-from-checkin').getAttribute('data-source')).toBe('checkin');
    await eventually(() => page.getByTestId(`site-${room.id}`).isChecked()).toBe(true);
    await page.getByTestId('report-photo').setInputFiles(await solidJpeg(30, 160, 90));
    await page.getByTestId('report-photo-done').waitFor();
    await eventually(() => page.getByTestId('report-category').locator('option').count()).toBeGreaterThan(1);
    await page.getByTestId('report-category').selectOption({ index: 1 });
    const note = `打卡发现 ${Date.now()}`;
    await page.getByTestId('report-note').fill(note);
    await page.getByTestId('report-submit').click();
    const dup = page.getByTestId('report-anyway');
    await Promise.race([page.getByTestId('report-done').waitFor(), dup.waitFor().then(() => dup.click())]);
    await page.getByTestId('report-done').waitFor();
    const cases = await suite.server.db.selectFrom('cases').select(['source', 'site_id']).where('description', '=', note).execute();
    expect(cases).toEqual([{ source: 'checkin', site_id: room.id }]);
    await ctx.close();
  });
  it("a dispatched case's notification shows in the handler's inbox: unread badge, list, open marks it read", async () => {
    const room = rooms[4]!;
    const operator = await apiAs('operator');
    const patrol = await apiAs('patrol1');
    const handler = await apiAs('handler1');
    await handler('POST', '/api/inbox/read-all');
    const cat = await suite.server.db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', room.subdistrict_id).where('code', '=', 'A0301').executeTakeFirstOrThrow();
    const unit = (await suite.server.db.selectFrom('users').select('handling_unit_id').where('username', '=', 'handler1').executeTakeFirstOrThrow()).handling_unit_id!;
    const ctx = await newContext(suite.browser, suite.server.url, PHONE);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'handler1', '/m/sign-in');
    await fieldHome(page);
    await page.getByTestId('inbox-badge').waitFor();
    await eventually(() => page.getByTestId('inbox-badge').getAttribute('data-n')).toBe('0');

    let c = await patrol('POST', '/api/cases', { source: 'patrol', categoryId: cat.id, siteId: room.id, lng: room.lng, lat: room.lat, description: '收件箱测试' });
    c = await operator('POST', `/api/cases/${c.json.id}/transitions`, { action: 'file', version: c.json.version });
    c = await operator('POST', `/api/cases/${c.json.id}/transitions`, { action: 'dispatch', version: c.json.version, unitId: unit });
    expect(c.status).toBe(200);
    const caseId = c.json.id as string;
    const unreadNow = (await handler('GET', '/api/inbox/count')).json.unread as number;
    expect(unreadNow).toBeGreaterThan(0);

    // Back on the home screen the badge shows the unread count.
    await page.reload();
    await eventually(() => page.getByTestId('inbox-badge').getAttribute('data-n')).toBe(String(unreadNow));
    await page.getByTestId('inbox-badge').click();
    const item = page.locator(`[data-testid=inbox-item][data-case-id="${caseId}"]`);
    await item.waitFor();
    expect(await item.getAttribute('data-read')).toBe('0');
    expect(await item.textContent()).toContain(c.json.number);
    // Mark read from the list: the server agrees.
    await item.getByTestId('inbox-mark-read').click();
    await eventually(() => item.getAttribute('data-read')).toBe('1');
    const rows = await suite.server.db.selectFrom('inbox_items as i').innerJoin('notifications as n', 'n.id', 'i.notification_id').innerJoin('users as u', 'u.id', 'i.user_id').select('i.read_at').where('n.case_id', '=', caseId).where('u.username', '=', 'handler1').execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.read_at)).toBe(true);
    expect((await handler('GET', '/api/inbox/count')).json.unread).toBe(unreadNow - rows.length);
    // Opening it goes to the case.
    await item.getByTestId('inbox-open').click();
    await page.waitForURL((u) => u.pathname === `/m/cases/${caseId}`);
    // Another person's inbox does not show it.
    const other = await ctx.browser()!.newContext({ baseURL: suite.server.url, ...PHONE });
    const p2 = await other.newPage();
    await signInThroughForm(p2, 'patrol1', '/m/sign-in');
    await p2.waitForURL((u) => !u.pathname.endsWith('/sign-in'));
    await p2.goto('/m/inbox');
    await p2.getByTestId('inbox-list').waitFor({ state: 'attached' });
    await eventually(() => p2.getByTestId('inbox-list').getAttribute('data-unread')).not.toBe('');
    expect(await p2.locator(`[data-testid=inbox-item][data-case-id="${caseId}"]`).count()).toBe(0);
    await other.close();
    await ctx.close();
  });

  it('the inbox pages: past the first 50 messages, 加载更多 brings the older ones', async () => {
    const db = suite.server.db;
    const user = await db.selectFrom('users').select('id').where('username', '=', 'patrol1').executeTakeFirstOrThrow();
    const at = new Date().toISOString();
    for (let n = 0; n < 51; n++) {
      const notificationId = newId();
      await db.insertInto('notifications').values({ id: notificationId, subdistrict_id: rooms[0]!.subdistrict_id, kind: 'reminder', title: `分页测试 ${n}`, body: '', case_id: null, dedupe_key: null, created_at: at }).execute();
      await db.insertInto('inbox_items').values({ id: newId(), notification_id: notificationId, user_id: user.id, created_at: at, read_at: null }).execute();
    }
    const ctx = await newContext(suite.browser, suite.server.url, PHONE);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'patrol1', '/m/sign-in');
    await page.waitForURL((u) => !u.pathname.endsWith('/sign-in'));
    await page.goto('/m/inbox');
    const items = page.getByTestId('inbox-item');
    await eventually(() => items.count()).toBe(50);
    await page.getByTestId('inbox-more').click();
    await eventually(() => items.filter({ hasText: '分页测试' }).count()).toBe(51);
    await ctx.close();
  });
});
