import { beforeAll, expect, it } from 'vitest';
import { describeBrowser, eventually, newContext, signInThroughForm } from './helpers/browser.js';
import { clickNav } from './helpers/nav.js';
import { ensureServicesDemo } from './helpers/services.js';
import { saveShot } from './helpers/shots.js';
import { browserSuite } from './helpers/suite.js';

const DESKTOP = { viewport: { width: 1400, height: 900 } };

/** yyyy-MM-dd in Shanghai, days from today. */
const shanghaiDay = (offset: number) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(Date.now() + offset * 86_400_000));

describeBrowser('console: 一网通办 catalogue and network', () => {
  const suite = browserSuite();
  beforeAll(async () => {
    await ensureServicesDemo(suite.server);
  });

  it("a district administrator reads an item's guide and publishes its next version (a subdistrict's is told the district maintains it); a bad field is named and nothing is written", async () => {
    const db = suite.server.db;
    const item = await db
      .selectFrom('service_items')
      .innerJoin('service_item_versions as v', 'v.item_id', 'service_items.id')
      .select(['service_items.id', 'service_items.impl_code', 'v.materials', 'v.legal_limit_days'])
      .where('v.name_zh', '=', '居住证申领')
      .executeTakeFirstOrThrow();
    const materials = JSON.parse(item.materials) as { name: string }[];
    // A subdistrict's administrator reads the guides but is told the district maintains them: no publish button.
    const sub = await newContext(suite.browser, suite.server.url, DESKTOP);
    const subPage = await sub.newPage();
    await signInThroughForm(subPage, 'admin');
    await clickNav(subPage, 'nav-yw-catalogue');
    await subPage.getByTestId('yw-cat-district-only').waitFor();
    await subPage.getByTestId('yw-cat-search').fill('居住证');
    await subPage.getByTestId('yw-cat-search').press('Enter');
    await subPage.getByTestId(`yw-item-${item.impl_code}`).click();
    await subPage.getByTestId('item-guide').waitFor();
    expect(await subPage.getByTestId('yw-publish').count()).toBe(0);
    await sub.close();

    const ctx = await newContext(suite.browser, suite.server.url, DESKTOP);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'district-admin');
    await clickNav(page, 'nav-yw-catalogue');
    expect(await page.getByTestId('yw-cat-district-only').count()).toBe(0);
    await page.getByTestId('yw-cat-search').fill('居住证');
    await page.getByTestId('yw-cat-search').press('Enter');
    await page.getByTestId(`yw-item-${item.impl_code}`).click();
    const guide = page.getByTestId('item-guide');
    await guide.waitFor();
    expect(await guide.getByTestId('guide-implCode').textContent()).toContain(item.impl_code);
    // the materials checklist, row by row
    await eventually(() => page.getByTestId('guide-materials').locator('tbody tr').count()).toBe(Math.max(1, materials.length));
    for (const m of materials) expect(await page.getByTestId('guide-materials').textContent()).toContain(m.name);
    expect(await guide.getAttribute('data-version')).toBe('1');

    // a backdated version and a promised limit above the statutory one: both named, nothing written
    await page.getByTestId('yw-publish').click();
    await page.getByTestId('vf-effectiveFrom').fill(shanghaiDay(-2));
    await page.getByTestId('vf-promisedLimitDays').fill(String(item.legal_limit_days + 5));
    const bad = page.waitForResponse((r) => r.url().includes('/versions') && r.request().method() === 'POST');
    await page.getByTestId('vf-submit').click();
    expect((await bad).status()).toBe(400);
    await page.getByTestId('error-guide.promisedLimitDays').waitFor();
    expect(await page.getByTestId('error-guide.promisedLimitDays').textContent()).toContain('法定时限');
    await page.getByTestId('vf-promisedLimitDays').fill('0');
    const bad2 = page.waitForResponse((r) => r.url().includes('/versions') && r.request().method() === 'POST');
    await page.getByTestId('vf-submit').click();
    expect((await bad2).status()).toBe(400);
    await page.getByTestId('error-guide.effectiveFrom').waitFor();
    expect(await page.getByTestId('error-guide.effectiveFrom').textContent()).toContain('不能早于今天');
    expect(await db.selectFrom('service_item_versions').select('version').where('item_id', '=', item.id).execute()).toHaveLength(1);

    // from tomorrow, with a new fee text: version 2, upcoming; version 1 stays current today
    const tomorrow = shanghaiDay(1);
    await page.getByTestId('vf-effectiveFrom').fill(tomorrow);
    await page.getByTestId('vf-fee').fill('不收费（第二版）');
    const ok = page.waitForResponse((r) => r.url().includes('/versions') && r.request().method() === 'POST');
    await page.getByTestId('vf-submit').click();
    expect((await ok).status()).toBe(201);
    await page.getByTestId('yw-cat-published').waitFor();
    const rows = await db.selectFrom('service_item_versions').select(['version', 'effective_from', 'fee']).where('item_id', '=', item.id).orderBy('version').execute();
    expect(rows.map((r) => [r.version, r.effective_from, r.fee])).toEqual([[1, rows[0]!.effective_from, rows[0]!.fee], [2, tomorrow, '不收费（第二版）']]);
    await eventually(() => guide.getAttribute('data-version')).toBe('2');
    expect(await page.getByTestId('guide-fee').textContent()).toContain('不收费（第二版）');
    await page.getByTestId('guide-versions').getByTestId('guide-version-2').waitFor();
    expect(await page.getByTestId('guide-version-1').textContent()).toContain('现行');
    await saveShot(page, 'yw-catalogue-guide');
    await ctx.close();
  });

  it('the network page shows the points in scope on the map and the list, and the life-circle result', async () => {
    const db = suite.server.db;
    const op = await db.selectFrom('users').select('subdistrict_id').where('username', '=', 'operator').executeTakeFirstOrThrow();
    const points = await db.selectFrom('service_points').select(['id', 'code']).where('subdistrict_id', '=', op.subdistrict_id!).execute();
    const ctx = await newContext(suite.browser, suite.server.url, DESKTOP);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'operator');
    await clickNav(page, 'nav-yw-network');
    await eventually(() => page.locator('[data-testid^="yw-point-"][data-status]').count()).toBe(points.length);
    await eventually(() => page.locator('.yw-dot[data-layer="points"]').count()).toBe(points.length);
    // a point's sessions and items
    const window1 = points.find((p) => p.code.includes('-BW1'))!;
    await page.getByTestId(`yw-point-${window1.code}`).locator('button').click();
    await page.getByTestId('yw-point-sessions').waitFor();
    expect(await page.getByTestId('yw-point-sessions').textContent()).toMatch(/11:30–13:30/);

    // the grid plan of the operator's own subdistrict, as the report computes it
    const cov = await page.evaluate(() => fetch('/api/services/reports/grid-coverage').then((r) => r.json()));
    await eventually(() => page.getByTestId('yw-cov-summary').textContent()).toContain(`${cov.totals.grids} 个警务网格（1 个街镇）`);
    expect(await page.getByTestId('yw-cov-grids').locator('tbody tr').count()).toBe(cov.totals.grids);

    // life circle at 300 m for 居住证申领: the committees out of reach, and their sites in red on the map
    const item = await db.selectFrom('service_item_versions').select('item_id').where('name_zh', '=', '居住证申领').executeTakeFirstOrThrow();
    await page.getByTestId('yw-lc-item').selectOption(item.item_id);
    await page.getByTestId('yw-lc-distance').fill('300');
    const res = page.waitForResponse((r) => r.url().includes('/api/services/reports/life-circle'));
    await page.getByTestId('yw-lc-run').click();
    const body = (await (await res).json()) as { committees: { id: string; covered: boolean }[]; uncoveredSites: unknown[]; distanceM: number; citywide: boolean };
    expect(body).toMatchObject({ distanceM: 300, citywide: true });
    await page.getByTestId('yw-lc-result').waitFor();
    expect(await page.getByTestId('yw-lc-local-only').count()).toBe(0);
    const out = body.committees.filter((c) => !c.covered);
    expect(out.length + body.uncoveredSites.length).toBeGreaterThan(0);
    await eventually(() => page.locator('[data-testid^="yw-lc-committee-"]').count()).toBe(out.length);
    await eventually(() => page.locator('.yw-dot[data-layer="out-of-reach"]').count()).toBe(out.length + body.uncoveredSites.length);
    await saveShot(page, 'yw-network-life-circle');

    // an item that is not 全市通办: the report says only the subdistrict's own points count
    const local = await db.selectFrom('service_item_versions').select('item_id').where('name_zh', '=', '居住证签注').executeTakeFirstOrThrow();
    await db.updateTable('service_item_versions').set({ citywide: 0 }).where('item_id', '=', local.item_id).execute();
    await page.getByTestId('yw-lc-item').selectOption(local.item_id);
    const res2 = page.waitForResponse((r) => r.url().includes(`/api/services/reports/life-circle?itemId=${local.item_id}`));
    await page.getByTestId('yw-lc-run').click();
    expect(((await (await res2).json()) as { citywide: boolean }).citywide).toBe(false);
    await eventually(() => page.getByTestId('yw-lc-result').getAttribute('data-citywide')).toBe('false');
    expect(await page.getByTestId('yw-lc-local-only').textContent()).toContain('非全市通办事项：只计本街道的服务点');
    await ctx.close();
  });

  it("the district sees Changning's grid plan: 35 grids, 6 built and 20 planned zones, not every grid covered by year end", async () => {
    const ctx = await newContext(suite.browser, suite.server.url, DESKTOP);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'district-admin');
    await clickNav(page, 'nav-yw-network');
    await eventually(() => page.getByTestId('yw-cov-summary').textContent()).toContain('35 个警务网格（10 个街镇）');
    expect(await page.getByTestId('yw-cov-summary').textContent()).toContain('已建成 6 个，规划 20 个');
    expect(await page.getByTestId('yw-cov-every').textContent()).toContain('9 个网格未覆盖');
    await ctx.close();
  });
});
