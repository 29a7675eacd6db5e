import { beforeAll, expect, it } from 'vitest';
import { describeBrowser, eventually, newContext, pageProblems, signInThroughForm } from './helpers/browser.js';
import { clickNav } from './helpers/nav.js';
import { scopeOf } from './helpers/scope.js';
import { ensureServicesDemo } from './helpers/services.js';
import { browserSuite } from './helpers/suite.js';

const DESKTOP = { viewport: { width: 1400, height: 900 } };

describeBrowser('console: 一网通办 self-service terminals', () => {
  const suite = browserSuite();
  beforeAll(async () => {
    await ensureServicesDemo(suite.server);
  });

  it('an administrator issues a device token, the terminal reports a fault, the page shows it down with its maintenance case; a replaced token stops working', async () => {
    const db = suite.server.db;
    const scope = await scopeOf(db, 'admin');
    const terminal = await db
      .selectFrom('service_points')
      .select(['id', 'code'])
      .where('kind', '=', 'terminal')
      .where('status', '=', 'built')
      .where('subdistrict_id', '=', scope.subdistrict_id!)
      .orderBy('code')
      .executeTakeFirstOrThrow();

    const ctx = await newContext(suite.browser, suite.server.url, DESKTOP);
    const page = await ctx.newPage();
    const problems = pageProblems(page);
    await signInThroughForm(page, 'admin');
    await clickNav(page, 'nav-yw-terminals');
    const row = page.getByTestId(`yw-term-${terminal.code}`);
    await row.waitFor();
    expect(await row.getAttribute('data-state')).toBe('unmonitored');
    expect(await page.getByTestId('yw-term-totals').textContent()).toMatch(/^共 \d+ 台/);

    await row.getByTestId('yw-term-issue').click();
    const token = (await page.getByTestId('yw-term-token').textContent())!.trim();
    expect(token).toMatch(/^clt_/);
    await eventually(() => row.getByTestId('yw-term-issue').textContent()).toBe('更换令牌');

    // The terminal itself reports with the token: a heartbeat, then a fault.
    const device = await newContext(suite.browser, suite.server.url);
    const auth = { authorization: `Bearer ${token}` };
    expect((await device.request.post('/api/terminals/heartbeat', { headers: auth, data: { appVersion: '3.1.0' } })).status()).toBe(200);
    expect((await device.request.post('/api/terminals/fault', { headers: auth, data: { code: 'E-PRINTER', text: '打印机卡纸' } })).status()).toBe(200);

    await page.reload();
    await row.waitFor();
    expect(await row.getAttribute('data-state')).toBe('down');
    expect(await row.locator('[data-col="state"]').textContent()).toBe('故障');
    expect(await row.locator('[data-col="fault"]').textContent()).toContain('打印机卡纸');
    const caseLink = row.getByTestId('yw-term-case');
    const number = (await caseLink.textContent())!.trim();
    const stored = await db
      .selectFrom('service_terminal_outages as o')
      .innerJoin('cases as c', 'c.id', 'o.case_id')
      .select(['c.id', 'c.number'])
      .where('o.open_point_id', '=', terminal.id)
      .executeTakeFirstOrThrow();
    expect(number).toBe(stored.number);

    // Down ones only: the faulty terminal is listed, no terminal that is up.
    await page.getByTestId('yw-term-state').selectOption('down');
    await eventually(async () => (await page.locator('[data-testid^="yw-term-YW"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-state')))).every((s) => s === 'down')).toBe(true);
    await row.waitFor();

    // Replacing the token (confirmed) makes the old one useless at once.
    page.once('dialog', (d) => void d.accept());
    await row.getByTestId('yw-term-issue').click();
    await eventually(async () => (await page.getByTestId('yw-term-token').textContent())?.trim()).not.toBe(token);
    const replaced = (await page.getByTestId('yw-term-token').textContent())!.trim();
    expect(replaced).toMatch(/^clt_/);
    expect((await device.request.post('/api/terminals/heartbeat', { headers: auth, data: {} })).status()).toBe(401);
    // The new token brings it back up; once up for the recovery time (the outage ended 31 minutes
    // ago, as if), the next heartbeat closes the maintenance case.
    expect((await device.request.post('/api/terminals/heartbeat', { headers: { authorization: `Bearer ${replaced}` }, data: {} })).status()).toBe(200);
    const outage = await db.selectFrom('service_terminal_outages').select(['id', 'ended_at']).where('case_id', '=', stored.id).executeTakeFirstOrThrow();
    await db.updateTable('service_terminal_outages').set({ ended_at: new Date(Date.parse(outage.ended_at!) - 31 * 60_000).toISOString() }).where('id', '=', outage.id).execute();
    expect((await device.request.post('/api/terminals/heartbeat', { headers: { authorization: `Bearer ${replaced}` }, data: {} })).status()).toBe(200);
    await device.close();
    await eventually(async () => (await db.selectFrom('cases').select('status').where('id', '=', stored.id).executeTakeFirstOrThrow()).status).toBe('closed');

    await caseLink.click();
    await page.waitForURL(`**/cases/${stored.id}`);
    await eventually(() => page.locator('body').textContent()).toContain(stored.number);
    expect(problems).toEqual([]);
    await ctx.close();
  });
});
