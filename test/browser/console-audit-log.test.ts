import { expect, it } from 'vitest';
import { describeBrowser, eventually, newContext, pageProblems, signInThroughForm } from './helpers/browser.js';
import { clickNav } from './helpers/nav.js';
import { browserSuite, subdistrictOf } from './helpers/suite.js';

describeBrowser('console: the administrator searches and exports the audit log', () => {
  const suite = browserSuite();

  it('finds a change by actor, action and day, and exports the same rows as CSV', async () => {
    const ctx = await newContext(suite.browser, suite.server.url);
    const page = await ctx.newPage();
    const problems = pageProblems(page);
    await signInThroughForm(page, 'admin');
    await page.getByTestId('who').waitFor();
    // Two administrative changes to find.
    const hq = await subdistrictOf(suite.server, 'admin');
    const headers = { origin: suite.server.url };
    expect((await page.request.put('/api/calendar/overrides', { data: { date: '2026-10-13', kind: 'holiday', subdistrictId: hq }, headers })).status()).toBe(200);
    expect((await page.request.post('/api/handling-units', { data: { subdistrictId: hq, kind: 'property_company', name: '审计页物业' }, headers })).status()).toBe(201);

    await clickNav(page, 'nav-audit');
    await page.waitForURL(/\/audit$/);
    await eventually(() => page.locator('[data-testid=audit-table] tbody tr').count()).toBeGreaterThanOrEqual(2);

    await page.locator('input[name=who]').fill('admin');
    await page.locator('input[name=action]').fill('handling_unit.');
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    await page.locator('input[name=fromDay]').fill(today);
    await page.locator('input[name=toDay]').fill(today);
    await page.getByTestId('audit-search').click();
    await eventually(() => page.locator('[data-testid=audit-table] tbody tr').count()).toBe(1);
    const row = await page.locator('[data-testid=audit-table] tbody tr').first().textContent();
    expect(row).toContain('handling_unit.create');
    expect(row).toContain('审计页物业');
    // The actor's role in words, not its id.
    expect(row).toContain('(管理员)');
    expect(row).not.toContain('(admin)');

    const href = await page.getByTestId('audit-export').getAttribute('href');
    const csv = await (await page.request.get(href!)).text();
    const lines = csv.replace(/^\ufeff/, '').trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('handling_unit.create');

    await page.locator('input[name=fromDay]').fill('2020-01-01');
    await page.locator('input[name=toDay]').fill('2020-01-02');
    await page.getByTestId('audit-search').click();
    await page.getByTestId('audit-empty').waitFor();
    expect(problems).toEqual([]);
    await ctx.close();
  });

  it('is in no other role\'s menu (an operator\'s here)', async () => {
    const ctx = await newContext(suite.browser, suite.server.url);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'operator');
    await page.getByTestId('who').waitFor();
    expect(await page.getByTestId('nav-audit').count()).toBe(0);
    await ctx.close();
  });
});
