import { afterAll, beforeAll, expect, it } from 'vitest';
import { readConfig } from '../../src/config.js';
import { hashSecret } from '../../src/domain/auth/tokens.js';
import { systemClock } from '../../src/domain/shared/clock.js';
import { dashboardRollupsPoller } from '../../src/jobs/dashboard-rollups.js';
import type { Poller } from '../../src/jobs/poller.js';
import { describeBrowser, eventually, newContext, signInThroughForm } from './helpers/browser.js';
import { browserSuite } from './helpers/suite.js';
import { clickNav } from './helpers/nav.js';
import { ensureServicesDemo } from './helpers/services.js';

describeBrowser('console dashboard: live without reload', () => {
  const suite = browserSuite();
  let poller: Poller;

  beforeAll(async () => {
    // `closeloop serve` runs this job; the test server starts it by hand.
    poller = dashboardRollupsPoller({ db: suite.server.db, config: readConfig({}), clock: systemClock, logger: { error: (e) => console.error(e) } });
    poller.start();
  });
  afterAll(async () => {
    await poller?.destroy();
  });

  it('a case reported in one session appears on another session\'s open dashboard, and its KPI moves', async () => {
    const desk = await newContext(suite.browser, suite.server.url);
    const page = await desk.newPage();
    await signInThroughForm(page, 'operator');
    await clickNav(page, 'nav-dashboard');
    await eventually(() => page.getByTestId('dash-live').getAttribute('class')).toContain('on');
    await eventually(() => page.getByTestId('kpi-found').locator('b').textContent()).toBe('0');
    // Nothing is overdue: the overdue card shows 0 without the alarm colour.
    await eventually(() => page.getByTestId('kpi-overdueNow').locator('b').textContent()).toBe('0');
    expect(await page.getByTestId('kpi-overdueNow').getAttribute('class')).not.toContain('warn');
    // ECharts arrives in its own chunk and draws.
    await eventually(() => page.locator('[data-testid=chart-daily] canvas').count()).toBeGreaterThan(0);

    const field = await newContext(suite.browser, suite.server.url);
    const signIn = await field.request.post('/api/auth/sign-in', { data: { username: 'patrol1', password: 'closeloop2026' } });
    expect(signIn.status()).toBe(200);
    const site = await suite.server.db.selectFrom('sites').innerJoin('subdistricts as s', 's.id', 'sites.subdistrict_id')
      .select(['sites.id', 'sites.lng', 'sites.lat', 'sites.subdistrict_id']).where('s.code', '=', '008').where('sites.kind', '=', 'bin_room').executeTakeFirstOrThrow();
    const cat = await suite.server.db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', site.subdistrict_id).where('code', '=', 'A0301').executeTakeFirstOrThrow();
    const res = await field.request.post('/api/cases', {
      data: { source: 'patrol', categoryId: cat.id, siteId: site.id, lng: Number(site.lng), lat: Number(site.lat), description: '箱房外有满溢垃圾' },
    });
    expect(res.status()).toBe(201);
    const number = (await res.json()).number as string;

    const before = page.url();
    await eventually(() => page.getByTestId('dash-feed').textContent()).toContain(number);
    await eventually(() => page.getByTestId('kpi-found').locator('b').textContent()).toBe('1');
    expect(page.url()).toBe(before);

    // Wall mode: dark, full-screen, same live figures.
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.goto('/dashboard/wall');
    await eventually(() => page.getByTestId('dashboard').getAttribute('class')).toContain('dash-wall');
    await eventually(() => page.getByTestId('dash-feed').textContent()).toContain(number);
    await desk.close();
    await field.close();
  });

  it('wall mode at 1920 × 1080 shows every panel on the one screen, in Chinese and in English', async () => {
    await ensureServicesDemo(suite.server);
    const wall = await newContext(suite.browser, suite.server.url, { viewport: { width: 1920, height: 1080 } });
    const page = await wall.newPage();
    await signInThroughForm(page, 'operator');
    await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
    await page.goto('/dashboard/wall');
    for (const lang of ['zh', 'en'] as const) {
      if (lang === 'en') {
        await page.evaluate(() => localStorage.setItem('closeloop.lang', 'en'));
        await page.reload();
      }
      await page.getByTestId('dashboard').waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('dashboard').getAttribute('class')).toContain('dash-wall');
      await eventually(() => page.locator('[data-testid=chart-categories] canvas').count()).toBeGreaterThan(0);
      await page.locator('[data-testid=svc-board]:not([data-at=""])').waitFor();
      const titles = { zh: ['每日趋势', '今日分时', '问题类别', '发现来源', '红黑榜', '一网通办', '实时案件'], en: ['Daily trend', 'Today by hour', 'Problem categories', 'Who found it', 'red & black list', 'One-stop services', 'Live cases'] }[lang];
      const boxes = await page.locator('[data-testid=dashboard] section, [data-testid=dashboard] > header').evaluateAll((els) => els.map((e) => {
        const r = e.getBoundingClientRect();
        return { title: e.querySelector('h2, h3')?.textContent ?? e.getAttribute('data-testid') ?? '', top: r.top, bottom: r.bottom, left: r.left, right: r.right };
      }));
      for (const title of titles) expect(boxes.some((b) => b.title.includes(title)), `${lang}: ${title}`).toBe(true);
      const outside = boxes.filter((b) => b.top < 0 || b.left < 0 || b.bottom > 1080 || b.right > 1920);
      expect(outside, `${lang}: panels outside the 1920 × 1080 screen`).toEqual([]);
    }
    await wall.close();
  });

  it('「设为大屏」 turns this browser into a wall display session and lands on /dashboard/wall', async () => {
    const screen = await newContext(suite.browser, suite.server.url);
    const page = await screen.newPage();
    await signInThroughForm(page, 'leader');
    await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
    await page.goto('/dashboard');
    await page.getByTestId('wall-setup').click();
    await page.getByTestId('wall-label').fill('指挥中心大屏1');
    await page.getByTestId('wall-confirm').click();
    await page.waitForURL((u) => u.pathname === '/dashboard/wall');
    await eventually(() => page.getByTestId('dashboard').getAttribute('class')).toContain('dash-wall');
    await eventually(() => page.getByTestId('dash-live').getAttribute('class')).toContain('on');
    const cookie = (await screen.cookies()).find((c) => c.name === 'cl_session')!;
    const row = await suite.server.db.selectFrom('sessions').select('kind').where('token_hash', '=', hashSecret(cookie.value)).executeTakeFirstOrThrow();
    expect(row.kind).toBe('wall');
    await screen.close();
  });
});
