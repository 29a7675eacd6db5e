/// <reference lib="dom" />
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { distanceMeters } from '../../web/src/shared/geo/distance.js';
import { wgs84ToGcj02 } from '../../web/src/shared/geo/gcj02.js';
import { describeBrowser, launchBrowser, newContext, signInThroughForm } from './helpers/browser.js';
import { type RunningServer, startServer } from './helpers/server.js';

// A tile URL that answers nothing (port 9, "discard"): the test needs no internet, only the config.
const TILE_URL = 'http://127.0.0.1:9/tiles/{z}/{x}/{y}.png';

async function drawnAt(browser: Browser, server: RunningServer, qr: string) {
  const site = await server.db.selectFrom('sites').select(['id', 'lng', 'lat']).where('qr_code', '=', qr).executeTakeFirstOrThrow();
  const ctx = await newContext(browser, server.url, { viewport: { width: 1200, height: 800 } });
  const page = await ctx.newPage();
  await signInThroughForm(page, 'operator');
  await page.getByTestId('who').waitFor();
  await page.goto('/sites');
  await page.getByTestId('site-table').waitFor();
  await page.goto(`/sites/${site.id}`);
  const marker = page.locator(`[data-testid=site-map][data-state=ready] path.site-marker[data-site-id="${site.id}"]`);
  await marker.waitFor();
  const [lng, lat] = (await marker.getAttribute('data-view'))!.split(',').map(Number) as [number, number];
  const tiles = await page.locator('img.leaflet-tile').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).src));
  const offline = await page.locator('.leaflet-container.offline-basemap').count();
  const roadLabels = await page.locator('.road-label').count();
  await ctx.close();
  return { site, drawn: { lng, lat }, tiles, offline, roadLabels };
}

describeBrowser('map: offline basemap by default, GCJ-02 shift with 天地图/高德-style tiles', () => {
  let offlineServer: RunningServer;
  let gcjServer: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    [offlineServer, gcjServer, browser] = await Promise.all([
      startServer(),
      startServer({ MAP_TILE_URL: TILE_URL, MAP_TILE_CRS: 'gcj02' }),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([offlineServer?.close(), gcjServer?.close()]);
  });

  it('draws the local basemap (roads, no tile requests) and markers at their WGS-84 position', async () => {
    const r = await drawnAt(browser, offlineServer, 'HQ-BR-0007');
    expect(r.tiles).toEqual([]);
    expect(r.offline).toBe(1);
    expect(r.roadLabels).toBeGreaterThan(10);
    expect(distanceMeters(r.drawn, r.site)).toBeLessThan(0.5);
  });

  it('with GCJ-02 tiles configured, uses them and draws markers shifted to GCJ-02', async () => {
    const r = await drawnAt(browser, gcjServer, 'HQ-BR-0007');
    expect(r.tiles.length).toBeGreaterThan(0);
    expect(r.tiles.every((src) => src.startsWith('http://127.0.0.1:9/tiles/'))).toBe(true);
    expect(r.offline).toBe(0);
    const expected = wgs84ToGcj02(r.site);
    expect(distanceMeters(r.drawn, expected)).toBeLessThan(0.5);
    // …which in Shanghai is hundreds of metres away from the stored WGS-84 point.
    expect(distanceMeters(r.drawn, r.site)).toBeGreaterThan(300);
  });
});
