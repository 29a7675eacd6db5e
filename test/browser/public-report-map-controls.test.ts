/// <reference lib="dom" />
import { expect, it } from 'vitest';
import { describeBrowser, eventually, newContext, pageProblems, PHONE } from './helpers/browser.js';
import { browserSuite } from './helpers/suite.js';

describeBrowser("the public report page's map on a phone", () => {
  const suite = browserSuite();

  it('has zoom buttons a thumb can hit (at least 40 × 40 pixels), and they zoom', async () => {
    const ctx = await newContext(suite.browser, suite.server.url, PHONE);
    const page = await ctx.newPage();
    const problems = pageProblems(page);
    await page.goto('/report');
    const zoomIn = page.locator('.p-map .leaflet-control-zoom-in');
    const zoomOut = page.locator('.p-map .leaflet-control-zoom-out');
    await zoomIn.waitFor();
    for (const button of [zoomIn, zoomOut]) {
      const box = (await button.boundingBox())!;
      expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(40);
    }
    const zoom = () => page.locator('.p-map .leaflet-map-pane').evaluate((el) => el.querySelector('.leaflet-zoom-animated')?.getAttribute('style') ?? '');
    const before = await zoom();
    await zoomIn.tap();
    await eventually(zoom).not.toBe(before);
    expect(problems, problems.join('\n')).toEqual([]);
    await ctx.close();
  });

  it('"use my location" brings the pin well inside the map, even where the phone stands at the edge of the first view', async () => {
    const ctx = await newContext(suite.browser, suite.server.url, PHONE);
    const page = await ctx.newPage();
    const map = page.locator('.p-map');
    // Where the first view's left edge is: tapped there, the page asks for that place's categories.
    await page.goto('/report');
    await page.locator('.p-map .leaflet-control-zoom-in').waitFor();
    const box = (await map.boundingBox())!;
    const asked = page.waitForRequest((r) => r.url().includes('/api/public/reports/categories'));
    await map.tap({ position: { x: box.width * 0.08, y: box.height * 0.55 } });
    const at = new URL((await asked).url()).searchParams;
    // The phone stands there: a fresh page (the same first view) and "use my location".
    await ctx.grantPermissions(['geolocation']);
    await ctx.setGeolocation({ latitude: Number(at.get('lat')), longitude: Number(at.get('lng')), accuracy: 10 });
    await page.reload();
    await page.locator('.p-map .leaflet-control-zoom-in').waitFor();
    await page.getByTestId('use-location').tap();
    const pin = page.locator('.p-map .site-pin');
    await pin.waitFor();
    /** Where the pin stands across the map, 0 at the left or top edge and 1 at the right or bottom. */
    const where = async () => {
      const [m, p] = [(await map.boundingBox())!, (await pin.boundingBox())!];
      return { x: (p.x + p.width / 2 - m.x) / m.width, y: (p.y + p.height / 2 - m.y) / m.height };
    };
    await eventually(async () => {
      const { x, y } = await where();
      return x > 0.2 && x < 0.8 && y > 0.2 && y < 0.8;
    }).toBe(true);
    await ctx.close();
  });
});
