import { beforeAll, expect, it } from 'vitest';
import { describeBrowser, eventually, newContext, signInThroughForm } from './helpers/browser.js';
import { browserSuite, subdistrictOf } from './helpers/suite.js';
import { clickNav } from './helpers/nav.js';

const DESKTOP = { viewport: { width: 1400, height: 900 } };

describeBrowser('console: problem catalogue editor', () => {
  const suite = browserSuite();
  let hq: string;

  beforeAll(async () => {
    hq = await subdistrictOf(suite.server, 'admin');
  });

  const category = (code: string) =>
    suite.server.db.selectFrom('case_categories').selectAll().where('subdistrict_id', '=', hq).where('code', '=', code).executeTakeFirst();

  it('an administrator adds a working standard under a sub-class, with all its limits, then edits and deactivates it', async () => {
    const ctx = await newContext(suite.browser, suite.server.url, DESKTOP);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'admin');
    await clickNav(page, 'nav-catalogue');
    // the seeded tree: class → sub-class → standard, with the standard's limits shown
    await page.getByTestId('cat-node-A').waitFor();
    await expect(page.getByTestId('cat-node-A01').locator('[data-testid=cat-node-A0101]').count()).resolves.toBe(1);
    expect(await page.getByTestId('cat-node-A0101').locator('.cat-meta').first().textContent()).toContain('0.5 / 0.5 / 2 / 4');

    // a bad code is refused by the server, named on the field, and nothing is written
    await page.getByTestId('cat-add-A01').click();
    await expect(page.getByTestId('catalogue-editor').getAttribute('data-level')).resolves.toBe('standard');
    await page.getByTestId('cat-code').fill('a0104 bad');
    await page.getByTestId('cat-nameZh').fill('厨余桶满溢外溢');
    await page.getByTestId('cat-nameEn').fill('Kitchen-waste bin spilling over');
    const bad = page.waitForResponse((r) => r.url().endsWith('/api/catalogue') && r.request().method() === 'POST');
    await page.getByTestId('cat-save').click();
    expect((await bad).status()).toBe(400);
    await page.getByTestId('error-code').waitFor();
    expect(await suite.server.db.selectFrom('case_categories').select('id').where('name_zh', '=', '厨余桶满溢外溢').execute()).toEqual([]);

    await page.getByTestId('cat-code').fill('A0104');
    await page.getByTestId('cat-unitKind').selectOption('sanitation_company');
    await page.getByTestId('cat-fileHours').fill('0.5');
    await page.getByTestId('cat-dispatchHours').fill('1');
    await page.getByTestId('cat-handleHours').fill('3');
    await page.getByTestId('cat-checkHours').fill('6');
    await page.getByTestId('cat-limitMode').selectOption('calendar');
    await page.getByTestId('cat-severity').selectOption('urgent');
    await page.getByTestId('cat-kind-bin_room').check();
    const created = page.waitForResponse((r) => r.url().endsWith('/api/catalogue') && r.request().method() === 'POST');
    await page.getByTestId('cat-save').click();
    expect((await created).status()).toBe(201);
    await page.getByTestId('cat-saved').waitFor();
    const parent = await category('A01');
    const row = await category('A0104');
    expect(row).toMatchObject({
      parent_id: parent!.id, level: 'standard', name_zh: '厨余桶满溢外溢', name_en: 'Kitchen-waste bin spilling over', default_unit_kind: 'sanitation_company',
      limit_mode: 'calendar', severity: 'urgent', active: 1, version: 1,
    });
    expect([row!.file_hours, row!.dispatch_hours, row!.handle_hours, row!.check_hours].map(Number)).toEqual([0.5, 1, 3, 6]);
    expect(JSON.parse(row!.site_kinds)).toEqual(['bin_room']);
    // it now sits in the tree under its sub-class, and the editor holds it
    await page.getByTestId('cat-node-A01').locator('[data-testid=cat-node-A0104]').waitFor();
    await eventually(() => page.getByTestId('catalogue-editor').getAttribute('data-mode')).toBe('edit');

    // edit: a longer handling limit in working hours, then deactivate
    await page.getByTestId('cat-handleHours').fill('8');
    await page.getByTestId('cat-limitMode').selectOption('working');
    await page.getByTestId('cat-active').uncheck();
    const patched = page.waitForResponse((r) => r.url().includes(`/api/catalogue/${row!.id}`));
    await page.getByTestId('cat-save').click();
    expect((await patched).status()).toBe(200);
    await eventually(async () => (await category('A0104'))?.version).toBe(2);
    expect(await category('A0104')).toMatchObject({ handle_hours: 8, limit_mode: 'working', active: 0 });
    await eventually(() => page.getByTestId('cat-node-A0104').getAttribute('data-active')).toBe('false');
    await ctx.close();
  });

  it('a save over someone else’s change gets the current version back and says so; nothing is overwritten', async () => {
    const ctx = await newContext(suite.browser, suite.server.url, DESKTOP);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'admin');
    await page.getByTestId('who').waitFor();
    await page.goto('/catalogue');
    await page.getByTestId('cat-open-A0202').click();
    await eventually(() => page.getByTestId('cat-code').inputValue()).toBe('A0202');
    const before = (await category('A0202'))!;
    // another administrator edits it meanwhile
    const res = await page.request.patch(`/api/catalogue/${before.id}`, { data: { nameZh: '箱房周边垃圾堆放（他人修改）', version: before.version } });
    expect(res.status()).toBe(200);
    await page.getByTestId('cat-checkHours').fill('2');
    const stale = page.waitForResponse((r) => r.url().includes(`/api/catalogue/${before.id}`) && r.request().method() === 'PATCH');
    await page.getByTestId('cat-save').click();
    expect((await stale).status()).toBe(409);
    await page.getByTestId('cat-conflict').waitFor();
    await eventually(() => page.getByTestId('cat-nameZh').inputValue()).toBe('箱房周边垃圾堆放（他人修改）');
    const after = (await category('A0202'))!;
    expect([after.version, Number(after.check_hours)]).toEqual([before.version + 1, Number(before.check_hours)]);
    await ctx.close();
  });

  it('an operator reads the catalogue without editing; a handler has no catalogue page; English labels', async () => {
    const ctx = await newContext(suite.browser, suite.server.url, DESKTOP);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'operator');
    await clickNav(page, 'nav-catalogue');
    await page.getByTestId('cat-readonly').waitFor();
    await page.getByTestId('cat-open-A0101').click();
    await expect(page.getByTestId('cat-code').isDisabled()).resolves.toBe(true);
    expect(await page.getByTestId('cat-save').count()).toBe(0);
    expect(await page.getByTestId('cat-add-class').count()).toBe(0);
    expect(await page.getByTestId('cat-limitMode').inputValue()).toBe('calendar');
    await page.getByTestId('lang-switch').click();
    await eventually(() => page.locator('.catalogue-page h1').textContent()).toBe('Problem catalogue');
    await eventually(() => page.getByTestId('cat-open-A0101').textContent()).toContain('Wet-waste bins overflowing');
    await ctx.close();

    const h = await newContext(suite.browser, suite.server.url, DESKTOP);
    const hp = await h.newPage();
    await signInThroughForm(hp, 'handler1');
    await hp.getByTestId('who').waitFor();
    expect(await hp.getByTestId('nav-catalogue').count()).toBe(0);
    await hp.goto('/catalogue');
    await hp.getByTestId('not-found').waitFor();
    // and the API refuses a handler's write as well
    const res = await hp.request.post('/api/catalogue', {
      data: { subdistrictId: hq, level: 'class', code: 'Z', nameZh: '测试', nameEn: 'Test', fileHours: 1, dispatchHours: 1, handleHours: 1, checkHours: 1, limitMode: 'working', severity: 'low' },
    });
    expect(res.status()).toBe(403);
    await h.close();
  });
});
