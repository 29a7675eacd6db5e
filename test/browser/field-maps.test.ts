/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { offsetMetres } from '../../src/domain/geo/haversine.js';
import { wgs84ToBd09 } from '../../web/src/shared/geo/bd09.js';
import { wgs84ToGcj02 } from '../../web/src/shared/geo/gcj02.js';
import { describeBrowser, eventually, newContext, openPopup, signInThroughForm, fieldHome } from './helpers/browser.js';
import { browserSuite } from './helpers/suite.js';
import { scopeOf } from './helpers/scope.js';

/** The small phone the issue names: 360 × 740. */
const SMALL_PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

/** True when the element's text is laid out on one line (no wrapping), whatever its box. */
const oneLine = (page: Page, selector: string) =>
  page.locator(selector).evaluateAll((els) =>
    els.map((el) => {
      const r = document.createRange();
      r.selectNodeContents(el);
      const tops = new Set([...r.getClientRects()].filter((x) => x.width > 0).map((x) => Math.round(x.top)));
      return tops.size === 1;
    }),
  );

describeBrowser('maps and fast reporting on the phone (360 px) and the console', () => {
  const suite = browserSuite();

  const shopOf = async (username: string) => {
    const scope = await scopeOf(suite.server.db, username);
    let q = suite.server.db.selectFrom('sites').select(['id', 'name', 'lat', 'lng', 'subdistrict_id']).where('kind', '=', 'shop').where('status', '=', 'active').where('subdistrict_id', '=', scope.subdistrict_id!);
    if (scope.committee_id) q = q.where('committee_id', '=', scope.committee_id);
    return q.orderBy('id').executeTakeFirstOrThrow();
  };

  it('reports at the shop 0 m away: it is preselected, only its kind’s categories are offered, distances read "0 米" on one line', async () => {
    const shop = await shopOf('patrol1');
    const ctx = await newContext(suite.browser, suite.server.url, { ...SMALL_PHONE, geolocation: { latitude: shop.lat, longitude: shop.lng, accuracy: 8 }, permissions: ['geolocation'] });
    const page = await ctx.newPage();
    await signInThroughForm(page, 'patrol1', '/m/sign-in');
    await fieldHome(page);
    await page.getByTestId('tile-report').click();
    await eventually(() => page.getByTestId(`site-${shop.id}`).isChecked()).toBe(true);
    expect(await page.getByTestId('site-preselected').textContent()).toContain('0\u00a0米');
    expect(await page.locator(`label:has([data-testid="site-${shop.id}"]) .m-item-dist`).textContent()).toBe('0\u00a0米');

    const cats = await suite.server.db.selectFrom('case_categories').select(['code', 'site_kinds']).where('subdistrict_id', '=', shop.subdistrict_id).where('active', '=', 1).execute();
    const forShop = new Set(cats.filter((c) => { const k = JSON.parse(c.site_kinds) as string[]; return !k.length || k.includes('shop'); }).map((c) => c.code));
    await eventually(() => page.locator('[data-testid=report-category] option[data-code]').count()).toBeGreaterThan(0);
    const offered = await page.locator('[data-testid=report-category] option[data-code]').evaluateAll((os) => os.map((o) => o.getAttribute('data-code')!));
    expect(offered.every((c) => forShop.has(c))).toBe(true);
    expect(offered.some((c) => c.startsWith('B'))).toBe(true);
    expect(offered.some((c) => c.startsWith('A'))).toBe(false); // bin-room problems are not offered at a shop
    expect(await page.getByTestId('report-category-kind').textContent()).toContain('沿街商铺');

    // Distances and the "find" button stay on one line at 360 px.
    expect(await oneLine(page, '[data-testid=site-picker] .m-item-dist')).not.toContain(false);
    expect(await oneLine(page, '[data-testid=site-qr-find]')).toEqual([true]);
    // Choosing "no site" is respected: nothing is chosen again behind the reporter's back.
    await page.getByTestId('site-none').check();
    expect(await page.getByTestId('site-preselected').count()).toBe(0);
    expect(await page.getByTestId(`site-${shop.id}`).isChecked()).toBe(false);
    await ctx.close();
  });

  it('the check-in page shows the distance to the bin room and says whether the check-in will count, on either side of the fence', async () => {
    const committee = await scopeOf(suite.server.db, 'cadre01');
    const room = await suite.server.db.selectFrom('sites').select(['id', 'lat', 'lng']).where('committee_id', '=', committee.committee_id!).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
    const config = (await (await fetch(`${suite.server.url}/api/config`)).json()) as { checkin: { geofenceM: number; maxAccuracyM: number } };
    const accuracy = 10;
    const inside = Math.round(config.checkin.geofenceM + accuracy - 8);
    const outside = Math.round(config.checkin.geofenceM + accuracy + 8);
    const at = (m: number) => { const p = offsetMetres({ lat: room.lat, lng: room.lng }, m, 90); return { latitude: p.lat, longitude: p.lng, accuracy }; };

    const ctx = await newContext(suite.browser, suite.server.url, { ...SMALL_PHONE, geolocation: at(inside), permissions: ['geolocation'] });
    const page = await ctx.newPage();
    await signInThroughForm(page, 'cadre01', '/m/sign-in');
    await fieldHome(page);
    await page.getByTestId('tile-today').waitFor();
    await page.goto(`/m/checkin/${room.id}`);
    const verdict = page.getByTestId('checkin-verdict');
    await eventually(() => verdict.getAttribute('data-counts')).toBe('yes');
    expect(await page.getByTestId('checkin-distance').textContent()).toBe(`距箱房 ${inside}\u00a0米`);
    expect(await verdict.textContent()).toContain('会计入');

    await ctx.setGeolocation(at(outside));
    await page.reload();
    await eventually(() => verdict.getAttribute('data-counts')).toBe('no');
    expect(await page.getByTestId('checkin-distance').textContent()).toBe(`距箱房 ${outside}\u00a0米`);
    expect(await verdict.textContent()).toContain('不会计入');

    await ctx.setGeolocation({ ...at(0), accuracy: config.checkin.maxAccuracyM + 20 });
    await page.reload();
    await eventually(() => verdict.textContent()).toContain('精度');
    expect(await verdict.getAttribute('data-counts')).toBe('no');
    await ctx.close();
  });

  it("today's route is in walking order with every colour explained, and the phone map's navigate links carry GCJ-02 / BD-09 positions", async () => {
    const shop = await shopOf('patrol1');
    const ctx = await newContext(suite.browser, suite.server.url, { ...SMALL_PHONE, geolocation: { latitude: shop.lat, longitude: shop.lng, accuracy: 8 }, permissions: ['geolocation'] });
    const page = await ctx.newPage();
    await signInThroughForm(page, 'patrol1', '/m/sign-in');
    await fieldHome(page);
    await page.getByTestId('tile-today').click();
    await eventually(() => page.getByTestId('today-list').getAttribute('data-order')).toBe('walk');
    await eventually(() => page.locator('[data-testid=today-list] a').count()).toBeGreaterThan(1);
    const grades = new Set(await page.locator('[data-testid=today-list] [data-grade]').evaluateAll((es) => es.map((e) => e.getAttribute('data-grade')!)));
    await page.getByTestId('route-legend').locator('summary').click();
    for (const g of grades) expect(await page.locator(`[data-testid=route-legend] li[data-grade="${g}"]`).textContent()).toMatch(/：|:/);
    expect(await page.getByTestId('route-legend').textContent()).toContain('黄：一般');
    expect(await oneLine(page, '[data-testid=today-list] .m-item-dist')).not.toContain(false);

    await page.goto(`/m/map?site=${shop.id}`);
    await page.locator('[data-testid=site-map][data-state=ready]').waitFor();
    const popup = await openPopup(page, shop.name);
    const amap = new URL((await popup.getByTestId('nav-amap').getAttribute('href'))!.replace('amapuri://', 'https://amapuri/'));
    const gcj = wgs84ToGcj02({ lng: shop.lng, lat: shop.lat });
    expect([Number(amap.searchParams.get('dlon')), Number(amap.searchParams.get('dlat'))]).toEqual([Number(gcj.lng.toFixed(6)), Number(gcj.lat.toFixed(6))]);
    expect(amap.searchParams.get('dev')).toBe('0');
    const baidu = new URL((await popup.getByTestId('nav-baidu').getAttribute('href'))!.replace('baidumap://', 'https://baidumap/'));
    const bd = wgs84ToBd09({ lng: shop.lng, lat: shop.lat });
    expect(baidu.searchParams.get('destination')).toBe(`name:${shop.name}|latlng:${bd.lat.toFixed(6)},${bd.lng.toFixed(6)}`);
    expect(baidu.searchParams.get('coord_type')).toBe('bd09ll');
    expect(await popup.getByTestId('nav-amap-web').getAttribute('href')).toMatch(/^https:\/\/uri\.amap\.com\/navigation\?/);

    // The route on the map: numbered stops joined by a line.
    await page.getByTestId('map-tab-route').click();
    await eventually(() => page.locator('.stop-label').count()).toBeGreaterThan(1);
    expect(await page.locator('path.route-line').count()).toBe(1);
    await ctx.close();
  });

  it('the sites map draws clusters, not 1,007 dots; a cluster tap zooms in; the dashboard map is large and above the fold, and the wall has one', async () => {
    const ctx = await newContext(suite.browser, suite.server.url, { viewport: { width: 1366, height: 768 } });
    const page = await ctx.newPage();
    await signInThroughForm(page, 'admin');
    await page.getByTestId('who').waitFor();
    await page.goto('/sites');
    await eventually(() => page.getByTestId('site-total').textContent()).toBe('共 1007 条');
    await page.locator('[data-testid=site-map][data-state=ready]').waitFor();
    await eventually(() => page.locator('.site-cluster').count()).toBeGreaterThan(0);
    const drawn = async () => {
      const counts = await page.locator('.site-cluster').evaluateAll((es) => es.map((e) => Number(e.getAttribute('data-count'))));
      return { dots: await page.locator('path.site-marker').count(), counts };
    };
    const before = await drawn();
    expect(before.dots).toBeLessThan(100);
    // Every site is in the fitted view: as a dot or inside a cluster.
    expect(before.dots + before.counts.reduce((a, b) => a + b, 0)).toBe(1007);
    const biggest = Math.max(...before.counts);
    await page.locator(`.site-cluster[data-count="${biggest}"]`).first().click();
    await eventually(async () => Math.max(0, ...(await drawn()).counts)).toBeLessThan(biggest);

    await ctx.close();

    const opCtx = await newContext(suite.browser, suite.server.url, { viewport: { width: 1366, height: 768 } });
    const op = await opCtx.newPage();
    await signInThroughForm(op, 'operator');
    await op.getByTestId('who').waitFor();
    await op.goto('/dashboard');
    const map = op.getByTestId('dash-map');
    await map.locator('[data-testid=site-map][data-state=ready]').waitFor();
    const box = (await map.boundingBox())!;
    expect(box.y).toBeLessThan(768 - 200); // starts well above the fold
    expect(box.height).toBeGreaterThan(400);
    await op.goto('/dashboard/wall');
    await op.getByTestId('dash-map').locator('[data-testid=site-map][data-state=ready]').waitFor();
    expect(await op.getByTestId('dash-map').isVisible()).toBe(true);
    await opCtx.close();
  });
});
