import { afterAll, beforeAll, expect, it } from 'vitest';
import { readConfig } from '../../src/config.js';
import { systemClock } from '../../src/domain/shared/clock.js';
import { dashboardRollupsPoller } from '../../src/jobs/dashboard-rollups.js';
import type { Poller } from '../../src/jobs/poller.js';
import { describeBrowser, eventually, newContext, signInThroughForm } from './helpers/browser.js';
import { browserSuite } from './helpers/suite.js';
import { clickNav } from './helpers/nav.js';

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
});
