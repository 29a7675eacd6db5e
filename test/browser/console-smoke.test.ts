import { expect, it } from 'vitest';
import { DEMO_PASSWORD, describeBrowser, eventually, newContext, pageProblems } from './helpers/browser.js';
import { browserSuite } from './helpers/suite.js';
import { clickNav } from './helpers/nav.js';
import { apiCalls, settle, trackRequests } from './helpers/requests.js';

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
      // Signed in through the API: the form is role-homes.test.ts's subject, and drawing it cost an
      // extra start of the app per role.
      const signedIn = await ctx.request.post('/api/auth/sign-in', { data: { username, password: DEMO_PASSWORD } });
      expect(signedIn.status(), `sign-in ${username}`).toBe(200);
      const page = await ctx.newPage();
      trackRequests(page, apiCalls);
      const problems = pageProblems(page);
      // An API call that got no answer at all (the server dropped it) is a failure too; one the page
      // itself called off (leaving it, or a live stream closed with its page) is not.
      page.on('requestfailed', (r) => {
        const url = new URL(r.url());
        if (url.pathname.startsWith('/api/') && r.resourceType() !== 'eventsource' && r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`no answer: ${r.method()} ${url.pathname}${url.search} (${r.failure()?.errorText})`);
      });
      await page.goto('/');
      await page.getByTestId('who').waitFor();
      await settle(page);
      const entries = await page.locator('nav [data-testid^="nav-"], header [data-testid^="nav-"]').evaluateAll((els) =>
        [...new Set(els.map((e) => e.getAttribute('data-testid')!))],
      );
      expect(entries.length).toBeGreaterThan(0);
      for (const lang of ['zh', 'en']) {
        for (const id of entries) {
          await clickNav(page, id);
          // The menu marks the entry's page as the one open, and the page's calls have all been
          // answered, so a late refusal counts for this page before the next one opens.
          await page.locator(`[data-testid="${id}"][aria-current=page]`).waitFor({ state: 'attached' });
          await settle(page);
          expect(await page.locator('main, #root').first().textContent(), `${id} (${lang}) is empty`).not.toBe('');
        }
        if (lang === 'zh') {
          // The top bar's own switch, as a person changes language: no new start of the app.
          await page.getByTestId('lang-switch').click();
          await eventually(() => page.evaluate(() => document.documentElement.lang)).toBe('en');
        }
      }
      expect(problems, `${username}: ${problems.join('\n')}`).toEqual([]);
      await ctx.close();
    });
  }
});
