import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Db } from '../../../src/db/index.js';
import { offsetMetres } from '../../../src/domain/geo/haversine.js';
import { DEMO_PASSWORD, eventually, newContext, PHONE, signInThroughForm } from './browser.js';

/**
 * A phone signed in to the field app, standing ~10 m from `at`, with the service worker installed
 * and controlling the page (it has precached the shell), as the offline tests need.
 */
export async function installedPhone(browser: Browser, baseUrl: string, username: string, at: { lat: number; lng: number }, opts: BrowserContextOptions = {}) {
  const here = offsetMetres({ lat: at.lat, lng: at.lng }, 10, 90);
  const ctx = await newContext(browser, baseUrl, { ...PHONE, geolocation: { latitude: here.lat, longitude: here.lng, accuracy: 10 }, permissions: ['geolocation'], ...opts });
  const page = await ctx.newPage();
  await signInThroughForm(page, username, '/m/sign-in');
  await page.waitForURL((u) => !u.pathname.endsWith('/sign-in'));
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  await eventually(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
  return { ctx, page };
}

/** How many actions wait in the phone's outbox (null while the badge is not shown). */
export const outboxCount = (page: Page) => page.getByTestId('outbox-count').getAttribute('data-n').catch(() => null);

/**
 * The real API as a demo user, by plain fetch on a cookie of its own (as the console would act):
 * the other side of a conflict. Works across a restart of the server on the same address.
 */
export async function apiSession(baseUrl: string, username: string) {
  const res = await fetch(`${baseUrl}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }) });
  expect(res.status).toBe(200);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  return async (method: string, url: string, body?: unknown) => {
    const r = await fetch(`${baseUrl}${url}`, { method, headers: { cookie, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    return { status: r.status, json: (await r.json()) as any };
  };
}

/**
 * Today's route lists a bin room only while one of its disposal windows is still ahead today (the
 * demo's close at 20:00 Shanghai): opens the committee's bin rooms all day, so a test that finds a
 * room on the route does not depend on the hour it runs at. Returns the rooms, in id order.
 */
export async function binRoomsOpenAllDay(db: Db, committeeId: string) {
  const rooms = await db.selectFrom('sites').select(['id', 'lat', 'lng', 'name']).where('committee_id', '=', committeeId).where('kind', '=', 'bin_room').orderBy('id').execute();
  await db.updateTable('sites').set({ disposal_hours: JSON.stringify([['00:00', '23:59']]) }).where('id', 'in', rooms.map((r) => r.id)).execute();
  return rooms;
}
