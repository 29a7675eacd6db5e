/// <reference lib="dom" />
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { offsetMetres } from '../../src/domain/geo/haversine.js';
import { describeBrowser, eventually, newContext, PHONE, signInThroughForm, solidJpeg } from './helpers/browser.js';
import { browserSuite } from './helpers/suite.js';
import { binRoomsOpenAllDay } from './helpers/field-phone.js';
import { clickNav } from './helpers/nav.js';
import { scopeOf } from './helpers/scope.js';

type Room = { id: string; lat: number; lng: number; name: string };

describeBrowser('field app without a position: manual position with a reason, off-site reason from the outbox, storage warning', () => {
  const suite = browserSuite();
  let rooms: Room[];

  beforeAll(async () => {
    const c = await scopeOf(suite.server.db, 'cadre01');
    rooms = await binRoomsOpenAllDay(suite.server.db, c.committee_id!);
  });

  /** A phone as inside WeChat's browser: location refused at once, and no Storage API. */
  async function deniedPhone(): Promise<{ ctx: BrowserContext; page: Page }> {
    const ctx = await newContext(suite.browser, suite.server.url, { ...PHONE, permissions: [] });
    await ctx.addInitScript(() => {
      const deny = (_ok: unknown, fail?: (e: { code: number; message: string }) => void) => {
        fail?.({ code: 1, message: 'User denied Geolocation' });
        return 1;
      };
      Object.defineProperty(navigator, 'geolocation', { value: { getCurrentPosition: deny, watchPosition: deny, clearWatch: () => undefined } });
      Object.defineProperty(navigator, 'storage', { value: undefined });
    });
    const page = await ctx.newPage();
    await signInThroughForm(page, 'cadre01', '/m/sign-in');
    await page.waitForURL((u) => !u.pathname.endsWith('/sign-in'));
    return { ctx, page };
  }

  async function manualCheckin(page: Page, photoSeed: number, note = '') {
    await eventually(() => page.getByTestId('gps-status').textContent()).toContain('无法定位');
    await page.getByTestId('checkin-photo').setInputFiles(await solidJpeg(photoSeed, 90, 200 - photoSeed));
    await page.getByTestId('checkin-photo-done').waitFor();
    await page.getByTestId('manual-open').click();
    // Nothing goes until the position is confirmed and a reason picked.
    expect(await page.getByTestId('checkin-submit').isDisabled()).toBe(true);
    await page.getByTestId('manual-confirm').check();
    await page.getByTestId('manual-reason-geolocation_denied').check();
    if (note) await page.getByTestId('manual-note').fill(note);
    expect(await page.getByTestId('checkin-submit').isDisabled()).toBe(false);
    await page.getByTestId('checkin-submit').click();
  }

  const rowsOf = (siteId: string) =>
    suite.server.db.selectFrom('checkins').select(['method', 'status', 'manual_reason', 'manual_note', 'lat', 'repeat_count']).where('site_id', '=', siteId).execute();

  it("geolocation denied: the bin room tapped on today's route is checked in by manual position with a reason, stored once and flagged on the console", async () => {
    const room = rooms[0]!;
    const { ctx, page } = await deniedPhone();
    // Signing in opens the cadre's own page: today's route.
    await eventually(() => new URL(page.url()).pathname).toBe('/m/today');
    await page.locator(`[data-testid=today-list] a[data-site-id="${room.id}"]`).click();
    await page.getByTestId('checkin-site').waitFor();
    await manualCheckin(page, 20, '地下室箱房');
    await eventually(() => page.getByTestId('checkin-done').getAttribute('data-method')).toBe('manual');
    expect(await page.getByTestId('checkin-done').textContent()).toContain('待管理员复核');
    expect(await rowsOf(room.id)).toEqual([{ method: 'manual', status: 'on_site', manual_reason: 'geolocation_denied', manual_note: '地下室箱房', lat: null, repeat_count: 0 }]);
    // No Storage API in this WebView: no warning, nothing broken.
    expect(await page.getByTestId('storage-low').count()).toBe(0);
    await ctx.close();

    const desk = await newContext(suite.browser, suite.server.url);
    const op = await desk.newPage();
    await signInThroughForm(op, 'operator');
    await clickNav(op, 'nav-coverage');
    await op.getByTestId('flagged-table').waitFor();
    const row = op.locator('[data-testid=flagged-row][data-method=manual]');
    await eventually(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain('手动定位：定位被拒绝 · 地下室箱房');
    await desk.close();
  });

  it('offline: a manual check-in waits in the outbox and is stored exactly once when the connection returns', async () => {
    const room = rooms[1]!;
    const { ctx, page } = await deniedPhone();
    await page.goto(`/m/checkin/${room.id}`);
    await page.getByTestId('checkin-site').waitFor();
    await ctx.setOffline(true);
    await manualCheckin(page, 60);
    await page.getByTestId('checkin-queued').waitFor();
    expect(await rowsOf(room.id)).toEqual([]);
    await ctx.setOffline(false);
    await eventually(async () => (await rowsOf(room.id)).length).toBe(1);
    await page.goto('/m/outbox');
    await page.getByTestId('outbox-empty').waitFor();
    expect(await rowsOf(room.id)).toEqual([{ method: 'manual', status: 'on_site', manual_reason: 'geolocation_denied', manual_note: null, lat: null, repeat_count: 0 }]);
    await ctx.close();
  });

  it('a queued GPS check-in that turns out off-site gets its reason on the outbox page and is resent once; its photo is uploaded once', async () => {
    const room = rooms[2]!;
    const far = offsetMetres({ lat: room.lat, lng: room.lng }, 400, 0);
    const ctx = await newContext(suite.browser, suite.server.url, { ...PHONE, geolocation: { latitude: far.lat, longitude: far.lng, accuracy: 15 }, permissions: ['geolocation'] });
    const page = await ctx.newPage();
    // Uploads the server answered: an attempt made while the phone is offline never reaches it
    // (and may or may not be made, depending on when the browser notices the network is gone).
    const uploads: number[] = [];
    page.on('response', (r) => {
      if (r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/photos') uploads.push(r.status());
    });
    await signInThroughForm(page, 'cadre01', '/m/sign-in');
    await page.waitForURL((u) => !u.pathname.endsWith('/sign-in'));
    await page.goto(`/m/checkin/${room.id}`);
    await eventually(() => page.getByTestId('gps-accuracy').textContent()).toContain('15');
    await ctx.setOffline(true);
    await page.getByTestId('checkin-photo').setInputFiles(await solidJpeg(200, 30, 30));
    await page.getByTestId('checkin-photo-pending').waitFor();
    await page.getByTestId('checkin-submit').click();
    await page.getByTestId('checkin-queued').waitFor();
    await ctx.setOffline(false);
    // The sync meets the geofence: set aside as needing attention, never dropped, nothing stored.
    await eventually(() => page.getByTestId('outbox-attention').getAttribute('data-n')).toBe('1');
    expect(await rowsOf(room.id)).toEqual([]);
    await page.getByTestId('outbox-link').click();
    const fix = page.getByTestId('outbox-offsite-fix');
    await fix.waitFor();
    expect(await fix.textContent()).toMatch(/距箱房约 \d+ 米/);
    expect(await page.getByTestId('outbox-reason-send').isDisabled()).toBe(true);
    await page.getByTestId('outbox-reason').fill('箱房铁门上锁，在小区门口打卡');
    await page.getByTestId('outbox-reason-send').click();
    await page.getByTestId('outbox-empty').waitFor();
    const rows = await suite.server.db.selectFrom('checkins').select(['method', 'status', 'off_site_reason']).where('site_id', '=', room.id).execute();
    expect(rows).toEqual([{ method: 'gps', status: 'off_site', off_site_reason: '箱房铁门上锁，在小区门口打卡' }]);
    expect(uploads).toEqual([201]);
    await ctx.close();
  });

  it('warns before storage runs out when the Storage API reports the quota nearly used', async () => {
    const ctx = await newContext(suite.browser, suite.server.url, { ...PHONE });
    await ctx.addInitScript(() => {
      Object.defineProperty(navigator, 'storage', { value: { estimate: async () => ({ usage: 190 * 1024 * 1024, quota: 200 * 1024 * 1024 }) } });
    });
    const page = await ctx.newPage();
    await signInThroughForm(page, 'cadre01', '/m/sign-in');
    await page.waitForURL((u) => !u.pathname.endsWith('/sign-in'));
    const warning = page.getByTestId('storage-low');
    await eventually(() => warning.getAttribute('data-kind')).toBe('quota');
    expect(await warning.textContent()).toContain('95%');
    await ctx.close();
  });
});
