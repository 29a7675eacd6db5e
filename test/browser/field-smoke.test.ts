import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PHONE, describeBrowser, launchBrowser, newContext, signInThroughForm } from './helpers/browser.js';
import { type RunningServer, startServer } from './helpers/server.js';

/**
 * Every tile of each field role's home screen opens without a script error or a refused or failed
 * API call, on the phone layout with a position granted (Hongqiao), in Chinese and English.
 */
describeBrowser('field app smoke: every home tile of every field role opens cleanly', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  function watch(page: Page) {
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));
    page.on('response', (r) => {
      const url = new URL(r.url());
      if (url.pathname.startsWith('/api/') && r.status() >= 400 && url.pathname !== '/api/me') problems.push(`${r.status()} ${r.request().method()} ${url.pathname}${url.search}`);
    });
    return problems;
  }

  for (const username of ['cadre01', 'patrol1', 'enforcer1', 'handler1']) {
    it(`${username}`, async () => {
      const ctx = await newContext(browser, server.url, { ...PHONE, geolocation: { latitude: 31.1955, longitude: 121.3986, accuracy: 15 }, permissions: ['geolocation'] });
      const page = await ctx.newPage();
      await signInThroughForm(page, username, '/m/sign-in');
      await page.getByTestId('m-hello').waitFor();
      const problems = watch(page);
      const tiles = await page.locator('.m-tiles [data-testid^="tile-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!));
      expect(tiles.length).toBeGreaterThan(0);
      for (const lang of ['zh', 'en']) {
        for (const id of tiles) {
          await page.getByTestId(id).tap();
          await page.waitForLoadState('networkidle');
          expect(await page.locator('#root').textContent(), `${id} (${lang})`).not.toBe('');
          await page.goto('/m/');
          await page.getByTestId('m-hello').waitFor();
        }
        if (lang === 'zh') {
          await page.evaluate(() => localStorage.setItem('closeloop.lang', 'en'));
          await page.reload();
          await page.getByTestId('m-hello').waitFor();
        }
      }
      expect(problems, `${username}: ${problems.join('\n')}`).toEqual([]);
      await ctx.close();
    });
  }
});
