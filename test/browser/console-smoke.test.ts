import { expect, it } from 'vitest';
import { describeBrowser, newContext, signInThroughForm, pageProblems } from './helpers/browser.js';
import { browserSuite } from './helpers/suite.js';
import { clickNav } from './helpers/nav.js';

const DESKTOP = { viewport: { width: 1400, height: 900 } };

/**
 * Every page in each role's console menu opens without a script error, a failed API call (5xx)
 * or a refused one (4xx: the menu offered something the role may not do), in both languages.
 * A page's own buttons are covered by its feature test; this catches a page that is broken for
 * some role, or a menu that shows what the server then refuses.
 */
describeBrowser('console smoke: every menu entry of every role opens cleanly', () => {
  const suite = browserSuite();


  for (const username of ['admin', 'operator', 'leader', 'cadre01', 'patrol1', 'enforcer1', 'handler1', 'district-admin']) {
    it(`${username}`, async () => {
      const ctx = await newContext(suite.browser, suite.server.url, DESKTOP);
      const page = await ctx.newPage();
      await signInThroughForm(page, username);
      await page.getByTestId('who').waitFor();
      const problems = pageProblems(page);
      const entries = await page.locator('nav [data-testid^="nav-"], header [data-testid^="nav-"]').evaluateAll((els) =>
        [...new Set(els.map((e) => e.getAttribute('data-testid')!))],
      );
      expect(entries.length).toBeGreaterThan(0);
      for (const lang of ['zh', 'en']) {
        for (const id of entries) {
          await clickNav(page, id);
          await page.waitForLoadState('networkidle');
          expect(await page.locator('main, #root').first().textContent(), `${id} (${lang}) is empty`).not.toBe('');
        }
        if (lang === 'zh') {
          await page.evaluate(() => localStorage.setItem('closeloop.lang', 'en'));
          await page.reload();
          await page.getByTestId('who').waitFor();
        }
      }
      expect(problems, `${username}: ${problems.join('\n')}`).toEqual([]);
      await ctx.close();
    });
  }
});
