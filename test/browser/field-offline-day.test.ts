/// <reference lib="dom" />
import type { BrowserContextOptions } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { offsetMetres } from '../../src/domain/geo/haversine.js';
import { describeBrowser, eventually, solidJpeg } from './helpers/browser.js';
import { apiSession, installedPhone, outboxCount } from './helpers/field-phone.js';
import { browserSuite } from './helpers/suite.js';
import { scopeOf } from './helpers/scope.js';

type Room = { id: string; lat: number; lng: number; qr_code: string | null; name: string; subdistrict_id: string };

/**
 * A day in the street without a signal: a patrol's check-in AND problem report (with photo) are
 * kept through an offline reload and stored exactly once; today's route and my tasks, loaded in
 * the morning, still show offline (the service worker caches the real endpoints).
 */
describeBrowser('field app offline: report + check-in exactly once, today and tasks cached', () => {
  const suite = browserSuite();
  let rooms: Room[];

  beforeAll(async () => {
    const c = await scopeOf(suite.server.db, 'cadre01');
    rooms = await suite.server.db.selectFrom('sites').select(['id', 'lat', 'lng', 'qr_code', 'name', 'subdistrict_id']).where('committee_id', '=', c.committee_id!).where('kind', '=', 'bin_room').orderBy('id').execute();
  });

  const phone = (username: string, at: Room, opts: BrowserContextOptions = {}) => installedPhone(suite.browser, suite.server.url, username, at, opts);
  const apiAs = (username: string) => apiSession(suite.server.url, username);

  it('offline: a check-in and a report with a photo are queued, survive a reload offline, and are each stored exactly once when back online', async () => {
    const room = rooms[0]!;
    const { ctx, page } = await phone('patrol1', room);
    // In the morning, online: the report form (categories, site markers) and the bin room are opened once.
    await page.goto('/m/report');
    await eventually(() => page.getByTestId('report-category').locator('option').count()).toBeGreaterThan(1);
    await page.getByTestId(`site-${room.id}`).waitFor();
    await page.goto(`/m/checkin/${room.id}`);
    await page.getByTestId('checkin-site').waitFor();
    const casesBefore = (await suite.server.db.selectFrom('cases').select('id').execute()).length;

    await ctx.setOffline(true);
    await page.getByTestId('offline-notice').waitFor();
    await eventually(() => page.getByTestId('gps-accuracy').count()).toBe(1);
    await page.getByTestId('checkin-photo').setInputFiles(await solidJpeg(200, 40, 40));
    await page.getByTestId('checkin-photo-pending').waitFor();
    await page.getByTestId('checkin-submit').click();
    await page.getByTestId('checkin-queued').waitFor();

    await page.goto('/m/report').catch(() => undefined);
    await page.getByTestId('report-photo').setInputFiles(await solidJpeg(40, 200, 40));
    await page.getByTestId('report-photo-pending').waitFor();
    await eventually(() => page.getByTestId('report-category').locator('option').count()).toBeGreaterThan(1);
    await page.getByTestId('report-category').selectOption({ index: 1 });
    // Looking a plate code up needs the server: offline it says so (the site is picked from the list instead).
    await page.getByTestId('site-qr').fill('NO-SUCH-PLATE');
    await page.getByTestId('site-qr-find').click();
    await page.getByTestId('site-qr-note').waitFor();
    await page.getByTestId(`site-${room.id}`).check();
    const note = `离线上报 ${Date.now()}`;
    await page.getByTestId('report-note').fill(note);
    await page.getByTestId('report-submit').click();
    await expect.poll(() => page.getByTestId('report-done').getAttribute('data-queued'), { timeout: 10_000 }).toBe('1');
    await eventually(() => outboxCount(page)).toBe('2');

    // Reload while offline: the shell comes from the service worker, both are still queued.
    await page.reload();
    await eventually(() => outboxCount(page)).toBe('2');
    await page.getByTestId('outbox-link').click();
    await eventually(() => page.getByTestId('outbox-item-pending').count()).toBe(2);
    expect(await suite.server.db.selectFrom('checkins').select('id').where('site_id', '=', room.id).execute()).toHaveLength(0);
    expect(await suite.server.db.selectFrom('cases').select('id').where('description', '=', note).execute()).toHaveLength(0);

    const wentOnline = new Date().toISOString();
    await ctx.setOffline(false);
    await page.getByTestId('outbox-empty').waitFor({ timeout: 30_000 });
    const checkins = await suite.server.db.selectFrom('checkins').selectAll().where('site_id', '=', room.id).execute();
    expect(checkins).toHaveLength(1);
    expect(checkins[0]!.repeat_count).toBe(0);
    // Timed at capture on the phone (its deviceTime), not when the outbox sent it.
    expect(checkins[0]!.device_time).toBeTruthy();
    expect(checkins[0]!.first_at < wentOnline).toBe(true);
    const cases = await suite.server.db.selectFrom('cases').select(['id', 'site_id', 'source']).where('description', '=', note).execute();
    expect(cases).toEqual([{ id: cases[0]!.id, site_id: room.id, source: 'patrol' }]);
    expect((await suite.server.db.selectFrom('cases').select('id').execute()).length).toBe(casesBefore + 1);
    // The report's photo went up from the phone and is attached to the case, once.
    const photos = await suite.server.db.selectFrom('case_photos').select('photo_id').where('case_id', '=', cases[0]!.id).execute();
    expect(photos).toHaveLength(1);
    await ctx.close();
  });

  it("today's route, its sites and my tasks loaded online still show after an offline reload (position moved: the query differs)", async () => {
    const room = rooms[1]!;
    // A dispatched case waiting on handler1's unit, as the console would make it.
    const operator = await apiAs('operator');
    const patrol = await apiAs('patrol1');
    const cat = await suite.server.db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', room.subdistrict_id).where('code', '=', 'A0301').executeTakeFirstOrThrow();
    const unit = (await suite.server.db.selectFrom('users').select('handling_unit_id').where('username', '=', 'handler1').executeTakeFirstOrThrow()).handling_unit_id!;
    let c = await patrol('POST', '/api/cases', { source: 'patrol', categoryId: cat.id, siteId: room.id, lng: room.lng, lat: room.lat, description: '离线任务缓存' });
    expect(c.status).toBe(201);
    c = await operator('POST', `/api/cases/${c.json.id}/transitions`, { action: 'file', version: c.json.version });
    c = await operator('POST', `/api/cases/${c.json.id}/transitions`, { action: 'dispatch', version: c.json.version, unitId: unit });
    expect(c.status).toBe(200);
    const number = c.json.number as string;
    const caseId = c.json.id as string;

    // Today's route lists a bin room only while one of its disposal windows is still ahead today:
    // open the committee's rooms all day, so the test does not depend on the hour it runs at.
    await suite.server.db.updateTable('sites').set({ disposal_hours: JSON.stringify([['00:00', '23:59']]) }).where('id', 'in', rooms.map((r) => r.id)).execute();
    // Today's route for a patrol.
    const p = await phone('patrol1', room);
    await p.page.goto('/m/today');
    await eventually(() => p.page.getByTestId('today-list').locator('a').count()).toBeGreaterThan(0);
    const names = await p.page.getByTestId('today-list').locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('data-site-id')));
    // The service worker also fetched the route's sites (warmed once the route arrived).
    const unvisited = names.find((id) => id && id !== room.id && rooms.some((r) => r.id === id))!;
    expect(unvisited).toBeTruthy();
    await eventually(() => p.page.evaluate(async (id) => !!(await caches.match(`/api/sites/${id}`)), unvisited)).toBe(true);
    await p.ctx.setOffline(true);
    // Walked on: the route is asked for with another position, which was never fetched.
    const moved = offsetMetres({ lat: room.lat, lng: room.lng }, 300, 0);
    await p.ctx.setGeolocation({ latitude: moved.lat, longitude: moved.lng, accuracy: 10 });
    await p.page.reload();
    await p.page.getByTestId('offline-notice').waitFor();
    await eventually(() => p.page.getByTestId('today-list').locator('a').count()).toBe(names.length);
    // A site on the route that was never opened opens offline.
    await p.page.locator(`[data-site-id="${unvisited}"]`).click();
    await eventually(() => p.page.getByTestId('checkin-site').textContent()).toBe(rooms.find((r) => r.id === unvisited)!.name);
    await p.ctx.close();

    // My tasks for the handler.
    const h = await phone('handler1', room);
    await h.page.goto('/m/tasks');
    await h.page.locator(`[data-number="${number}"]`).waitFor();
    await eventually(() => h.page.evaluate(async (id) => !!(await caches.match(`/api/cases/${id}`)), caseId)).toBe(true);
    await h.ctx.setOffline(true);
    await h.page.reload();
    await h.page.getByTestId('offline-notice').waitFor();
    await h.page.locator(`[data-number="${number}"]`).waitFor();
    expect(await h.page.getByTestId('tasks-toHandle').locator('a').count()).toBeGreaterThan(0);
    // The task, never opened online, opens offline (the worker cached each case on the list).
    await h.page.locator(`[data-number="${number}"]`).click();
    await eventually(() => h.page.getByTestId('task-page').getAttribute('data-status')).toBe('dispatched');
    expect(await h.page.getByTestId('task-page').textContent()).toContain(number);
    await h.ctx.close();
  });
  it('my tasks offline: a task handled in a basement with an after-photo is queued (photo kept on the phone) and stored exactly once when back online', async () => {
    const room = rooms[2]!;
    const operator = await apiAs('operator');
    const patrol = await apiAs('patrol1');
    const cat = await suite.server.db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', room.subdistrict_id).where('code', '=', 'A0301').executeTakeFirstOrThrow();
    const unit = (await suite.server.db.selectFrom('users').select('handling_unit_id').where('username', '=', 'handler1').executeTakeFirstOrThrow()).handling_unit_id!;
    let c = await patrol('POST', '/api/cases', { source: 'patrol', categoryId: cat.id, siteId: room.id, lng: room.lng, lat: room.lat, description: '离线处置' });
    expect(c.status).toBe(201);
    c = await operator('POST', `/api/cases/${c.json.id}/transitions`, { action: 'file', version: c.json.version });
    c = await operator('POST', `/api/cases/${c.json.id}/transitions`, { action: 'dispatch', version: c.json.version, unitId: unit });
    expect(c.status).toBe(200);
    const caseId = c.json.id as string;

    // In the morning, online: my tasks (the worker caches each task's case).
    const { ctx, page } = await phone('handler1', room);
    await page.goto('/m/tasks');
    await page.locator(`[data-case-id="${caseId}"]`).waitFor();
    await eventually(() => page.evaluate(async (id) => !!(await caches.match(`/api/cases/${id}`)), caseId)).toBe(true);

    // In the basement: no signal. The task opens, the after-photo is kept on the phone, the handle is queued.
    await ctx.setOffline(true);
    await page.getByTestId('offline-notice').waitFor();
    await page.locator(`[data-case-id="${caseId}"]`).click();
    await page.getByTestId('handle-form').waitFor();
    await page.getByTestId('handle-photo').setInputFiles(await solidJpeg(30, 90, 200));
    await page.getByTestId('handle-photo-pending').waitFor();
    await page.getByTestId('handle-note').fill('已清运');
    await page.getByTestId('handle-submit').click();
    await page.getByTestId('task-done').waitFor();
    await eventually(() => outboxCount(page)).toBe('1');
    expect((await suite.server.db.selectFrom('cases').select('status').where('id', '=', caseId).executeTakeFirstOrThrow()).status).toBe('dispatched');

    await ctx.setOffline(false);
    await page.getByTestId('outbox-bar').waitFor({ state: 'detached', timeout: 30_000 });
    expect((await suite.server.db.selectFrom('cases').select('status').where('id', '=', caseId).executeTakeFirstOrThrow()).status).toBe('handled');
    const events = await suite.server.db.selectFrom('case_events').select(['id', 'action', 'device_at']).where('case_id', '=', caseId).where('action', '=', 'handle').execute();
    expect(events).toHaveLength(1);
    expect(events[0]!.device_at).toBeTruthy();
    // The photo taken offline went up from the outbox and is the handle's after-photo, once.
    const photos = await suite.server.db.selectFrom('case_photos').select(['photo_id', 'purpose']).where('event_id', '=', events[0]!.id).execute();
    expect(photos).toHaveLength(1);
    await ctx.close();
  });
});
