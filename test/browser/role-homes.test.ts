import { expect, it } from 'vitest';
import { describeBrowser, eventually, newContext, signInThroughForm } from './helpers/browser.js';
import { saveShot } from './helpers/shots.js';
import { browserSuite } from './helpers/suite.js';

const HOMES = [
  { username: 'operator', path: '/dashboard', lang: 'zh', width: 1366 },
  { username: 'leader', path: '/dashboard', lang: 'en', width: 1920 },
  { username: 'enforcer1', path: '/enforcement', lang: 'zh', width: 1920 },
  { username: 'handler1', path: '/cases', query: 'queue=mine', lang: 'en', width: 1366 },
  { username: 'cadre01', path: '/today', lang: 'zh', width: 1366 },
  { username: 'patrol1', path: '/coverage', lang: 'en', width: 1920 },
  { username: 'admin', path: '/setup', lang: 'zh', width: 1920 },
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

  it('the administrator\'s checklist shows each item done or what is missing, and links to where it is fixed', async () => {
    const ctx = await newContext(suite.browser, suite.server.url, { viewport: { width: 1366, height: 900 } });
    const page = await ctx.newPage();
    await signInThroughForm(page, 'admin');
    await page.getByTestId('setup-subdistrict').first().waitFor();
    // The demo has no WeCom robot for Hongqiao: that item is to do and links to the notifications page.
    const robot = page.getByTestId('setup-robotWebhook').first();
    expect(await robot.getAttribute('data-done')).toBe('false');
    expect(await robot.textContent()).toContain('已设置政务微信群机器人');
    const items = await page.locator('[data-testid=setup-subdistrict] li').count();
    const done = await page.locator('[data-testid=setup-subdistrict] li[data-done=true]').count();
    expect(await page.getByTestId('setup-progress').first().textContent()).toBe(`已完成 ${done} / ${items} 项`);
    await robot.getByTestId('setup-fix-robotWebhook').click();
    await eventually(() => new URL(page.url()).pathname).toBe('/notifications');
    await ctx.close();
  });

  it('the cadre\'s committee today lists the bin rooms still to check in, today\'s coverage and the committee\'s case queues', async () => {
    const ctx = await newContext(suite.browser, suite.server.url, { viewport: { width: 1366, height: 900 } });
    const page = await ctx.newPage();
    await signInThroughForm(page, 'cadre01');
    await page.getByTestId('committee-today').waitFor();
    await eventually(() => page.getByTestId('today-coverage-row').count()).toBeGreaterThan(0);
    const checkins = page.getByTestId('today-checkins');
    await eventually(async () => /（\d+）/.test((await checkins.locator('h2').textContent()) ?? '')).toBe(true);
    const total = Number(/（(\d+)）/.exec((await checkins.locator('h2').textContent())!)![1]);
    expect(await page.getByTestId('today-checkin').count()).toBe(Math.min(total, 200));
    await eventually(async () => /\d/.test((await page.getByTestId('today-queue-overdue').textContent()) ?? '')).toBe(true);
    await ctx.close();
  });
});
