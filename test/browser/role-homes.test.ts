import { expect, it } from 'vitest';
import { describeBrowser, eventually, newContext, signInThroughForm } from './helpers/browser.js';
import { saveShot } from './helpers/shots.js';
import { browserSuite } from './helpers/suite.js';

const HOMES = [
  { username: 'operator', path: '/dashboard', lang: 'zh', width: 1366 },
  { username: 'leader', path: '/dashboard', lang: 'en', width: 1920 },
  { username: 'enforcer1', path: '/enforcement', lang: 'zh', width: 1920 },
  { username: 'handler1', path: '/cases', query: 'queue=mine', lang: 'en', width: 1366 },
  { username: 'cadre01', path: '/cases', lang: 'zh', width: 1366 },
  { username: 'patrol1', path: '/coverage', lang: 'en', width: 1920 },
  { username: 'admin', path: '/sites', lang: 'zh', width: 1920 },
] as const;

describeBrowser('a home per role: signing in to the console opens the role\'s own page', () => {
  const suite = browserSuite();

  for (const h of HOMES) {
    it(`${h.username} (${h.lang}, ${h.width} px) lands on ${h.path}`, async () => {
      const ctx = await newContext(suite.browser, suite.server.url, { viewport: { width: h.width, height: 900 } });
      await ctx.addInitScript((lang) => localStorage.setItem('closeloop.lang', lang), h.lang);
      const page = await ctx.newPage();
      await signInThroughForm(page, h.username);
      await eventually(() => new URL(page.url()).pathname).toBe(h.path);
      if ('query' in h) expect(new URL(page.url()).search).toBe(`?${h.query}`);
      await eventually(async () => ((await page.locator('main').textContent()) ?? '').trim().length > 0).toBe(true);
      await saveShot(page, `home-${h.username}-${h.lang}-${h.width}`);
      // "/" is the same home later on.
      await page.goto('/');
      await eventually(() => new URL(page.url()).pathname).toBe(h.path);
      await ctx.close();
    });
  }
});
