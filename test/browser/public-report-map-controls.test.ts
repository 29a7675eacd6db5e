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
});
