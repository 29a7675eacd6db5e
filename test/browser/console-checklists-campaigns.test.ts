import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { DEMO_PASSWORD, describeBrowser, eventually, newContext, signInThroughForm } from './helpers/browser.js';
import { browserSuite, subdistrictOf } from './helpers/suite.js';
import { clickNav } from './helpers/nav.js';

const DESKTOP = { viewport: { width: 1400, height: 1000 } };
/** Shanghai calendar date `days` from now. */
const shanghaiDate = (days = 0) => new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);

describeBrowser('console: checklist editor (versions) and sweep campaigns (progress)', () => {
  const suite = browserSuite();
  let hq: string;

  beforeAll(async () => {
    hq = await subdistrictOf(suite.server, 'admin');
  });

  const shopChecklists = () =>
    suite.server.db.selectFrom('checklists').select(['id', 'version']).where('subdistrict_id', '=', hq).where('site_kind', '=', 'shop').orderBy('version').execute();
  const itemsOf = (checklistId: string) =>
    suite.server.db.selectFrom('checklist_items').select(['code', 'text']).where('checklist_id', '=', checklistId).orderBy('position').execute();

  it('an administrator publishes a new version of the shop checklist; the old version is untouched; an operator may only read', async () => {
    const [v1] = await shopChecklists();
    const v1Items = await itemsOf(v1!.id);
    const ctx = await newContext(suite.browser, suite.server.url, DESKTOP);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'admin');
    await clickNav(page, 'nav-checklists');
    await page.getByTestId('checklist-kind').selectOption('shop');
    const rows = page.locator('[data-testid=checklist-items] tbody tr');
    // the shop checklist's own first item is in the form (not the bin-room one shown before the switch)
    await eventually(() => rows.nth(0).locator('input').nth(0).inputValue()).toBe(v1Items[0]!.code);
    await eventually(async () => expect(await rows.count()).toBe(v1Items.length));
    await rows.nth(0).locator('input').nth(1).fill('门口四分类桶齐全、标识清楚（新版）');
    await page.getByRole('button', { name: '添加检查项' }).click();
    const added = rows.nth(v1Items.length);
    await added.locator('input').nth(0).fill('S99');
    await added.locator('input').nth(1).fill('垃圾收运合同在有效期内');
    await added.locator('input').nth(2).fill('Collection contract in force');
    await page.getByTestId('checklist-publish').click();
    await page.getByTestId('checklist-published').waitFor();

    const versions = await shopChecklists();
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    const v2Items = await itemsOf(versions[1]!.id);
    expect(v2Items).toHaveLength(v1Items.length + 1);
    expect(v2Items[0]!.text).toBe('门口四分类桶齐全、标识清楚（新版）');
    expect(v2Items.at(-1)).toEqual({ code: 'S99', text: '垃圾收运合同在有效期内' });
    expect(await itemsOf(v1!.id)).toEqual(v1Items); // past records keep their version
    await ctx.close();

    const op = await newContext(suite.browser, suite.server.url, DESKTOP);
    const opPage = await op.newPage();
    await signInThroughForm(opPage, 'operator');
    await opPage.getByTestId('nav-campaigns').waitFor({ state: 'attached' }); // signed in; the editor is not in an operator's menu
    expect(await opPage.getByTestId('nav-checklists').count()).toBe(0);
    await opPage.goto('/checklists');
    await opPage.getByTestId('checklist-kind').selectOption('shop');
    await opPage.locator('[data-testid=checklist-items] tbody tr').first().waitFor();
    expect(await opPage.locator('[data-testid=checklist-items] input').first().isDisabled()).toBe(true);
    expect(await opPage.getByTestId('checklist-publish').count()).toBe(0);
    await op.close();
  });

  it('an administrator starts a two-week sweep of shops; its progress moves when a shop is inspected', async () => {
    const ctx = await newContext(suite.browser, suite.server.url, DESKTOP);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'admin');
    await clickNav(page, 'nav-campaigns');
    await page.getByTestId('campaign-name').fill('沿街商铺两周大排查');
    await page.getByLabel('社区单位').uncheck(); // shops only
    await page.getByTestId('campaign-start').fill(shanghaiDate(0));
    await page.getByTestId('campaign-end').fill(shanghaiDate(13));
    await page.getByTestId('campaign-create').click();
    const row = page.locator('[data-testid=campaigns-table] tbody tr', { hasText: '沿街商铺两周大排查' });
    await row.waitFor();
    const counts = async () => {
      const m = /(\d+) \/ (\d+)/.exec((await row.locator('td').nth(3).textContent()) ?? '');
      return m ? [Number(m[1]), Number(m[2])] : null;
    };
    const [before, total] = (await counts()) as [number, number];
    expect(total).toBeGreaterThan(0);

    // A patrol officer inspects one shop (all items pass) through the API, as the field app does.
    const patrol = await newContext(suite.browser, suite.server.url);
    expect((await patrol.request.post('/api/auth/sign-in', { data: { username: 'patrol1', password: DEMO_PASSWORD } })).status()).toBe(200);
    const shop = await suite.server.db.selectFrom('sites').select('id').where('subdistrict_id', '=', hq).where('kind', '=', 'shop').where('status', '=', 'active').orderBy('id').executeTakeFirstOrThrow();
    const cl = (await (await patrol.request.get('/api/checklists?siteKind=shop')).json()).items[0];
    const items = (await (await patrol.request.get(`/api/checklists/${cl.id}`)).json()).items as { id: string }[];
    const res = await patrol.request.post('/api/inspections', {
      data: { siteId: shop.id, checklistId: cl.id, answers: items.map((i) => ({ itemId: i.id, result: 'pass' })) },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(res.status(), await res.text()).toBe(201);

    await page.reload();
    await row.waitFor();
    await eventually(async () => expect(await counts()).toEqual([before + 1, total]));
    await patrol.close();
    await ctx.close();
  });
});
