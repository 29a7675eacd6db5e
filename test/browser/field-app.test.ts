/// <reference lib="dom" />
import { expect, it } from 'vitest';
import { distanceMeters } from '../../web/src/shared/geo/distance.js';
import { describeBrowser, eventually, newContext, PHONE, signInThroughForm, fieldHome } from './helpers/browser.js';
import { browserSuite } from './helpers/suite.js';

const MIN_TOUCH_PX = 48;

describeBrowser('field app (/m) at phone size', () => {
  const suite = browserSuite();


  it('signs in, lists sites nearest first from the phone position, and opens one', async () => {
    const hongqiao = await suite.server.db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow();
    const sites = await suite.server.db
      .selectFrom('sites')
      .select(['id', 'name', 'address', 'lng', 'lat', 'qr_code'])
      .where('subdistrict_id', '=', hongqiao.id)
      .where('status', '=', 'active')
      .execute();
    const here = sites.find((s) => s.qr_code === 'HQ-BR-0042')!;
    // Stand 30 m east of that bin room.
    const position = { lng: here.lng + 0.000315, lat: here.lat };
    const expected = sites
      .map((s) => ({ id: s.id, d: distanceMeters(position, s) }))
      .sort((a, b) => a.d - b.d)
      .slice(0, 5)
      .map((s) => s.id);

    const ctx = await newContext(suite.browser, suite.server.url, {
      ...PHONE,
      geolocation: { longitude: position.lng, latitude: position.lat, accuracy: 10 },
      permissions: ['geolocation'],
    });
    const page = await ctx.newPage();
    await page.goto('/m');
    await page.waitForURL(/\/m\/sign-in$/);
    await signInThroughForm(page, 'patrol1', '/m/sign-in');
    await fieldHome(page);
    await page.getByTestId('tile-nearby').waitFor();
    expect(await page.getByTestId('m-hello').textContent()).toMatch(/^您好，市容辅助/);
    const tile = await page.getByTestId('tile-nearby').boundingBox();
    expect(tile!.height).toBeGreaterThanOrEqual(MIN_TOUCH_PX);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    await page.getByTestId('tile-nearby').tap();
    await page.waitForURL(/\/m\/nearby$/);
    const list = page.locator('[data-testid=nearby-list][data-sorted-by=distance]');
    await list.waitFor();
    await eventually(() => list.locator('a').count()).toBeGreaterThan(5);
    const ids = await list.locator('a').evaluateAll((as) => as.slice(0, 5).map((a) => a.getAttribute('data-site-id')));
    expect(ids).toEqual(expected);
    expect(await list.locator('a').first().locator('.m-item-dist').textContent()).toMatch(/^\d+\s米$/);
    const item = await list.locator('a').first().boundingBox();
    expect(item!.height).toBeGreaterThanOrEqual(MIN_TOUCH_PX);
    expect(await page.getByTestId('location-denied').count()).toBe(0);

    await list.locator('a').first().tap();
    await page.waitForURL(new RegExp(`/m/sites/${expected[0]}$`));
    const nearest = sites.find((s) => s.id === expected[0])!;
    await eventually(() => page.getByTestId('m-site-name').textContent()).toBe(nearest.name);
    expect(await page.locator('.m-address').textContent()).toBe(nearest.address);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await ctx.close();
  });

  it('without location permission it sorts by name and says so', async () => {
    const ctx = await newContext(suite.browser, suite.server.url, PHONE);
    await ctx.clearPermissions();
    const page = await ctx.newPage();
    await signInThroughForm(page, 'cadre01', '/m/sign-in');
    await fieldHome(page);
    await page.getByTestId('tile-nearby').waitFor();
    await page.goto('/m/nearby');
    await page.getByTestId('location-denied').waitFor({ timeout: 15_000 });
    const list = page.locator('[data-testid=nearby-list][data-sorted-by=name]');
    await list.waitFor();
    const names = await list.locator('.m-item-name').allTextContents();
    expect(names.length).toBeGreaterThan(5);
    const collator = new Intl.Collator('zh-CN');
    expect(names).toEqual([...names].sort(collator.compare));
    expect(await list.locator('.m-item-dist').count()).toBe(0);
    await ctx.close();
  });

  it('switches language, shows not-found for a site out of scope, and signs out', async () => {
    const cadre = await suite.server.db
      .selectFrom('users as u')
      .innerJoin('user_scopes as us', 'us.user_id', 'u.id')
      .select('us.committee_id')
      .where('u.username', '=', 'cadre01')
      .executeTakeFirstOrThrow();
    const other = await suite.server.db.selectFrom('sites').select('id').where('committee_id', '!=', cadre.committee_id!).executeTakeFirstOrThrow();
    const ctx = await newContext(suite.browser, suite.server.url, PHONE);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'cadre01', '/m/sign-in');
    await fieldHome(page);
    await page.getByTestId('tile-nearby').waitFor();
    expect(await page.getByTestId('tile-nearby').locator('strong').textContent()).toBe('附近点位');
    await page.getByTestId('lang-switch').tap();
    await eventually(() => page.getByTestId('tile-nearby').locator('strong').textContent()).toBe('Nearby sites');
    expect(await page.getByTestId('m-hello').textContent()).toMatch(/^Hello, /);
    await page.getByTestId('lang-switch').tap();
    await eventually(() => page.getByTestId('tile-nearby').locator('strong').textContent()).toBe('附近点位');

    await page.goto(`/m/sites/${other.id}`);
    await page.getByTestId('not-found').waitFor();

    await page.goto('/m');
    await fieldHome(page);
    await page.getByTestId('m-sign-out').tap();
    await page.waitForURL(/\/m\/sign-in$/);
    const me = await page.evaluate(() => fetch('/api/me').then((r) => r.status));
    expect(me).toBe(401);
    await ctx.close();
  });
});
