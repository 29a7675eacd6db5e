import { expect, it } from 'vitest';
import { PHONE, describeBrowser, eventually, newContext, signInThroughForm, pageProblems, fieldHome } from './helpers/browser.js';
import { apiCalls, settle, trackRequests } from './helpers/requests.js';
import { browserSuite } from './helpers/suite.js';

/**
 * Every tile of each field role's home screen opens without a script error or a refused or failed
 * API call, on the phone layout with a position granted (Hongqiao), in Chinese and English.
 */
describeBrowser('field app smoke: every home tile of every field role opens cleanly', () => {
  const suite = browserSuite();


  for (const username of ['cadre01', 'patrol1', 'enforcer1', 'handler1']) {
    it(`${username}`, async () => {
      const ctx = await newContext(suite.browser, suite.server.url, { ...PHONE, geolocation: { latitude: 31.1955, longitude: 121.3986, accuracy: 15 }, permissions: ['geolocation'] });
      const page = await ctx.newPage();
      trackRequests(page, apiCalls);
      await signInThroughForm(page, username, '/m/sign-in');
      await fieldHome(page);
      await page.getByTestId('m-hello').waitFor();
      const problems = pageProblems(page);
      // An API call that got no answer at all (the server dropped it) is a failure too; one the page
      // itself called off (leaving it, or a live stream closed with its page) is not.
      page.on('requestfailed', (r) => {
        const url = new URL(r.url());
        if (url.pathname.startsWith('/api/') && r.resourceType() !== 'eventsource' && r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`no answer: ${r.method()} ${url.pathname}${url.search} (${r.failure()?.errorText})`);
      });
      const tiles = await page.locator('.m-tiles [data-testid^="tile-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!));
      expect(tiles.length).toBeGreaterThan(0);
      for (const lang of ['zh', 'en']) {
        for (const id of tiles) {
          const to = await page.getByTestId(id).getAttribute('href');
          await page.getByTestId(id).tap();
          // The tile's page is open and its calls have all been answered, so a late refusal counts
          // for this tile before the next one opens.
          await eventually(() => new URL(page.url()).pathname).toBe(to);
          await settle(page);
          expect(await page.locator('#root').textContent(), `${id} (${lang})`).not.toBe('');
          // Home again through the app's own history, as the back button goes: reopening /m/ cost a
          // full app start and a detour through the role's own page for every tile.
          await page.goBack();
          await page.getByTestId('m-hello').waitFor();
          // The home's own calls (its inbox count) answered too, before the next tile leaves it.
          await settle(page);
        }
        if (lang === 'zh') {
          await page.evaluate(() => localStorage.setItem('closeloop.lang', 'en'));
          await page.reload();
          await fieldHome(page);
          await page.getByTestId('m-hello').waitFor();
        }
      }
      expect(problems, `${username}: ${problems.join('\n')}`).toEqual([]);
      await ctx.close();
    });
  }
});
