import { expect, it } from 'vitest';
import { DEMO_PASSWORD, describeBrowser, eventually, newContext, PHONE, signInThroughForm } from './helpers/browser.js';
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

  /** A console context signed in through the API, for a home whose form sign-in is tested above. */
  async function signedInContext(username: string) {
    const ctx = await newContext(suite.browser, suite.server.url, { viewport: { width: 1366, height: 900 } });
    const res = await ctx.request.post('/api/auth/sign-in', { data: { username, password: DEMO_PASSWORD } });
    expect(res.status(), `sign-in ${username}`).toBe(200);
    return ctx;
  }

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
    const ctx = await signedInContext('admin');
    const page = await ctx.newPage();
    await page.goto('/setup');
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
    const ctx = await signedInContext('cadre01');
    const page = await ctx.newPage();
    await page.goto('/today');
    await page.getByTestId('committee-today').waitFor();
    await eventually(() => page.getByTestId('today-coverage-row').count()).toBeGreaterThan(0);
    const checkins = page.getByTestId('today-checkins');
    await eventually(async () => /（\d+）/.test((await checkins.locator('h2').textContent()) ?? '')).toBe(true);
    const total = Number(/（(\d+)）/.exec((await checkins.locator('h2').textContent())!)![1]);
    expect(await page.getByTestId('today-checkin').count()).toBe(Math.min(total, 200));
    await eventually(async () => /\d/.test((await page.getByTestId('today-queue-overdue').textContent()) ?? '')).toBe(true);
    await ctx.close();
  });

  // The phone app opens on the role's own page; other roles stay on the tile home.
  const PHONE_HOMES = [
    { username: 'patrol1', path: '/m/today', tile: 'tile-today' },
    { username: 'cadre01', path: '/m/today', tile: 'tile-today' },
    { username: 'handler1', path: '/m/tasks', tile: 'tile-tasks' },
    { username: 'enforcer1', path: '/m/enforcement', tile: 'tile-enforcement' },
    { username: 'operator', path: '/m', tile: null },
  ] as const;
  const BACK = { zh: '返回', en: 'Back' } as const;

  for (const h of PHONE_HOMES) {
    for (const lang of ['zh', 'en'] as const) {
      it(`phone: ${h.username} (${lang}) signs in to ${h.path}; back reaches the tile home and stays there`, async () => {
        const ctx = await newContext(suite.browser, suite.server.url, PHONE);
        await ctx.addInitScript((l) => localStorage.setItem('closeloop.lang', l), lang);
        const page = await ctx.newPage();
        await signInThroughForm(page, h.username, '/m/sign-in');
        await eventually(() => new URL(page.url()).pathname).toBe(h.path);
        if (h.tile === null) {
          await page.getByTestId('m-hello').waitFor();
        } else {
          const back = page.locator('.m-back');
          await back.waitFor();
          expect(((await back.textContent()) ?? '').trim()).toContain(BACK[lang]);
          expect(await page.getByTestId('m-hello').count()).toBe(0);
          await saveShot(page, `phone-home-${h.username}-${lang}`);
          await back.click();
          await page.getByTestId('m-hello').waitFor();
          expect(new URL(page.url()).pathname).toBe('/m');
          // The role's tile comes first on the home, and the home does not jump back to the role's page.
          expect(await page.locator('.m-tiles a').first().getAttribute('data-testid')).toBe(h.tile);
          await page.getByTestId('lang-switch').click();
          await page.getByTestId('lang-switch').click();
          await page.waitForLoadState('networkidle');
          expect(new URL(page.url()).pathname).toBe('/m');
          expect(await page.getByTestId('m-hello').isVisible()).toBe(true);
          // Into the role's page and back again: home again.
          await page.getByTestId(h.tile).click();
          await eventually(() => new URL(page.url()).pathname).toBe(h.path);
          await page.locator('.m-back').click();
          await page.getByTestId('m-hello').waitFor();
          expect(new URL(page.url()).pathname).toBe('/m');
          // Reloading the home screen keeps it.
          await page.reload();
          await page.getByTestId('m-hello').waitFor();
          await page.waitForLoadState('networkidle');
          expect(new URL(page.url()).pathname).toBe('/m');
          // Opening the app at /m again (a fresh start with the session) opens the role's page.
          await page.goto('/m');
          await eventually(() => new URL(page.url()).pathname).toBe(h.path);
        }
        await ctx.close();
      });
    }
  }

  it('phone: a deep link asked for before signing in is kept, and so is one opened with a session', async () => {
    const room = await suite.server.db.selectFrom('sites').select('id').where('kind', '=', 'bin_room').executeTakeFirstOrThrow();
    const ctx = await newContext(suite.browser, suite.server.url, PHONE);
    const page = await ctx.newPage();
    await page.goto('/m/report');
    await page.waitForURL(/\/m\/sign-in$/);
    await page.locator('input[name=username]').fill('patrol1');
    await page.locator('input[name=password]').fill(DEMO_PASSWORD);
    await page.locator('form.sign-in-form button[type=submit]').click();
    await eventually(() => new URL(page.url()).pathname).toBe('/m/report');
    await page.locator('.m-back').waitFor();
    await page.goto(`/m/checkin/${room.id}`);
    await page.locator('.m-back').waitFor();
    await page.waitForLoadState('networkidle');
    expect(new URL(page.url()).pathname).toBe(`/m/checkin/${room.id}`);
    await ctx.close();
  });
});
