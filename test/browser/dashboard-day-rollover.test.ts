import { expect, it } from 'vitest';
import { seriousViolations } from './helpers/axe.js';
import { describeBrowser, eventually, newContext, signInThroughForm } from './helpers/browser.js';
import { browserSuite } from './helpers/suite.js';

describeBrowser('console dashboard: the Shanghai day turns over on an open wall', () => {
  const suite = browserSuite();

  it('live KPIs are shown over the summary they came with only, and at Shanghai midnight every figure is read again for the new day', async () => {
    const ctx = await newContext(suite.browser, suite.server.url, { viewport: { width: 1920, height: 1080 } });
    const page = await ctx.newPage();
    await signInThroughForm(page, 'operator');
    await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));

    // The summary as the server answers it, for the day (and 发现数) the test says.
    let day = '2026-12-06';
    let found = 3;
    let summaries = 0;
    let summaryShown!: () => void;
    const shown = new Promise<void>((resolve) => { summaryShown = resolve; });
    await page.route('**/api/dashboard/summary?*', async (route) => {
      const res = await route.fetch();
      const body = await res.json();
      summaries++;
      await route.fulfill({ response: res, json: { ...body, window: { ...body.window, from: day, to: day }, kpis: { ...body.kpis, found } } });
    });
    // The stream says it is live, then pushes today's KPIs (no day on the event) once the first summary is on screen.
    await page.route('**/api/dashboard/stream*', async (route) => {
      await shown;
      await route.fulfill({ status: 200, headers: { 'content-type': 'text/event-stream' }, body: 'retry: 3600000\n\nevent: ready\ndata: {}\n\nevent: kpis\ndata: {"found":42}\n\n' });
    });
    // 23:58 on 6 December in Shanghai.
    await page.clock.install({ time: new Date('2026-12-06T15:58:00Z') });
    await page.goto('/dashboard');
    await eventually(() => page.getByTestId('kpi-found').locator('b').textContent()).toBe('3');
    summaryShown();
    await eventually(() => page.getByTestId('kpi-found').locator('b').textContent()).toBe('42');
    const before = summaries;

    // 23:59: the day has not ended, nothing is read again.
    await page.clock.fastForward('01:00');
    await page.clock.runFor(1000);
    expect(summaries).toBe(before);

    // Past midnight the server's day is 7 December, nothing found yet: yesterday's live 42 is gone.
    day = '2026-12-07';
    found = 0;
    await page.clock.fastForward('01:05');
    await page.clock.runFor(1000);
    await eventually(() => summaries).toBeGreaterThan(before);
    await eventually(() => page.getByTestId('kpi-found').locator('b').textContent()).toBe('0');
    await ctx.close();
  });

  it('the live feed scrolls by keyboard: focusable, named, and axe finds no scrollable region out of reach', async () => {
    const ctx = await newContext(suite.browser, suite.server.url);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'operator');
    await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
    // Enough cases to overflow the feed's box.
    const cases = Array.from({ length: 20 }, (_, i) => ({
      id: `c${i}`, number: `HQ2026120600${String(i).padStart(2, '0')}`, status: 'reported', description: '箱房外有满溢垃圾，需要及时清运处理',
      reportedAt: '2026-12-06T01:00:00.000Z', committeeId: 'k', category: { zh: '垃圾满溢', en: 'Overflow' }, thumbUrl: null,
    }));
    await page.route('**/api/dashboard/feed?*', (route) => route.fulfill({ json: { cases } }));
    await page.goto('/dashboard');
    const feed = page.getByTestId('dash-feed');
    await eventually(() => feed.locator('[data-testid=feed-item]').count()).toBe(20);
    expect(await feed.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
    const violations = await seriousViolations(page, { include: '.dash-feed' });
    expect(violations.map((v) => v.rule)).toEqual([]);
    expect(await feed.getAttribute('tabindex')).toBe('0');
    await feed.focus();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('dash-feed');
    expect(await feed.getAttribute('aria-label')).toBe('实时案件列表（可滚动）');
    await ctx.close();
  });
});
