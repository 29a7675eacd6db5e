import { beforeAll, expect, it } from 'vitest';
import { describeBrowser, eventually, newContext, signInThroughForm, solidJpeg } from './helpers/browser.js';
import { browserSuite, subdistrictOf } from './helpers/suite.js';
import { clickNav } from './helpers/nav.js';

const DESKTOP = { viewport: { width: 1400, height: 1000 } };

describeBrowser('console: new case from the desk (citizen report and other desk sources)', () => {
  const suite = browserSuite();
  let hq: string;

  beforeAll(async () => {
    hq = await subdistrictOf(suite.server, 'operator');
  });

  const category = (code: string) => suite.server.db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', hq).where('code', '=', code).executeTakeFirstOrThrow();

  it('the operator records a citizen complaint at a site with a photo; a second one nearby is offered as a duplicate first', async () => {
    const site = await suite.server.db.selectFrom('sites').select(['id', 'name', 'committee_id', 'lng', 'lat']).where('subdistrict_id', '=', hq).where('kind', '=', 'bin_room').where('status', '=', 'active').orderBy('name').executeTakeFirstOrThrow();
    const cat = await category('A0201');
    const ctx = await newContext(suite.browser, suite.server.url, DESKTOP);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'operator');
    await clickNav(page, 'nav-cases');
    await page.getByTestId('new-case').click();
    await page.getByTestId('new-case-page').waitFor();
    expect(await page.getByTestId('new-source').inputValue()).toBe('citizen');
    await page.locator(`[data-testid=new-category] option[value="${cat.id}"]`).waitFor({ state: 'attached' });
    await page.getByTestId('new-category').selectOption(cat.id);
    await page.getByTestId('new-committee').selectOption(site.committee_id);
    await page.getByTestId('new-site-search').fill(site.name);
    await page.locator(`[data-testid=new-site] option[value="${site.id}"]`).waitFor({ state: 'attached' });
    await page.getByTestId('new-site').selectOption(site.id);
    await page.getByTestId('new-site-point').waitFor();
    await page.getByTestId('new-description').fill('市民来电：箱房门口小包垃圾落地，气味很大');
    await page.getByTestId('new-photo').setInputFiles(await solidJpeg(120, 90, 60));
    await eventually(() => page.locator('[data-field=photoIds] .hint').textContent()).toBe('已上传 1 张');
    const sent = page.waitForResponse((r) => r.url().endsWith('/api/cases') && r.request().method() === 'POST');
    await page.getByTestId('new-submit').click();
    expect((await sent).status()).toBe(201);
    await page.getByTestId('case-created').waitFor();
    const number = (await page.getByTestId('case-number').textContent())!;
    expect(await page.getByTestId('case-status').textContent()).toBe('待立案');
    const row = await suite.server.db.selectFrom('cases').selectAll().where('number', '=', number).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ source: 'citizen', status: 'reported', site_id: site.id, committee_id: site.committee_id, category_id: cat.id, description: '市民来电：箱房门口小包垃圾落地，气味很大' });
    expect([Number(row.lng), Number(row.lat)]).toEqual([Number(site.lng), Number(site.lat)]);
    expect(await suite.server.db.selectFrom('case_photos').select('purpose').where('case_id', '=', row.id).execute()).toEqual([{ purpose: 'before' }]);
    // the operator's own desk shows it to file
    await page.getByTestId('action-file').waitFor();

    // the same problem reported again: the open case is offered; "create anyway" makes a second one, once
    await page.goto('/cases/new');
    await page.locator(`[data-testid=new-category] option[value="${cat.id}"]`).waitFor({ state: 'attached' });
    await page.getByTestId('new-source').selectOption('camera');
    await page.getByTestId('new-category').selectOption(cat.id);
    await page.getByTestId('new-committee').selectOption(site.committee_id);
    await page.locator(`[data-testid=new-site] option[value="${site.id}"]`).waitFor({ state: 'attached' });
    await page.getByTestId('new-site').selectOption(site.id);
    await page.getByTestId('new-description').fill('视频告警：箱房外垃圾堆放');
    await page.getByTestId('new-submit').click();
    await page.getByTestId('new-duplicates').waitFor();
    expect(await page.getByTestId('new-duplicates').textContent()).toContain(number);
    expect(await suite.server.db.selectFrom('cases').select('id').where('site_id', '=', site.id).execute()).toHaveLength(1);
    await page.getByTestId('new-submit-anyway').click();
    await page.getByTestId('case-created').waitFor();
    const rows = await suite.server.db.selectFrom('cases').select(['source']).where('site_id', '=', site.id).orderBy('reported_at').execute();
    expect(rows.map((r) => r.source)).toEqual(['citizen', 'camera']);
    await ctx.close();
  });

  it('without a site the position is given on the form; bad input is named on its field and nothing is written', async () => {
    const committee = await suite.server.db.selectFrom('committees').select(['id']).where('subdistrict_id', '=', hq).orderBy('code').executeTakeFirstOrThrow();
    const anySite = await suite.server.db.selectFrom('sites').select(['lng', 'lat']).where('committee_id', '=', committee.id).executeTakeFirstOrThrow();
    const cat = await category('A0402');
    const ctx = await newContext(suite.browser, suite.server.url, DESKTOP);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'operator');
    await page.getByTestId('who').waitFor();
    await page.goto('/cases/new');
    await page.locator(`[data-testid=new-category] option[value="${cat.id}"]`).waitFor({ state: 'attached' });
    await page.getByTestId('new-category').selectOption(cat.id);
    await page.getByTestId('new-committee').selectOption(committee.id);
    await page.getByTestId('new-description').fill('市民反映：路边垃圾桶破损');
    // a position outside China is refused by the server on the field
    await page.getByTestId('new-lng').fill('2.35');
    await page.getByTestId('new-lat').fill('48.85');
    const bad = page.waitForResponse((r) => r.url().includes('/api/cases/duplicates'));
    await page.getByTestId('new-submit').click();
    expect((await bad).status()).toBe(400);
    await page.getByTestId('error-lng').waitFor();
    const before = await suite.server.db.selectFrom('cases').select('id').execute();

    const lng = (Number(anySite.lng) + 0.0003).toFixed(6);
    const lat = Number(anySite.lat).toFixed(6);
    await page.getByTestId('new-lng').fill(lng);
    await page.getByTestId('new-lat').fill(lat);
    const sent = page.waitForResponse((r) => r.url().endsWith('/api/cases') && r.request().method() === 'POST');
    await page.getByTestId('new-submit').click();
    expect((await sent).status()).toBe(201);
    await page.getByTestId('case-created').waitFor();
    const after = await suite.server.db.selectFrom('cases').select(['id', 'site_id', 'committee_id', 'lng', 'lat', 'source']).where('id', 'not in', before.map((b) => b.id)).execute();
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ site_id: null, committee_id: committee.id, source: 'citizen' });
    expect([Number(after[0]!.lng).toFixed(6), Number(after[0]!.lat).toFixed(6)]).toEqual([lng, lat]);
    expect(await page.getByTestId('case-site').textContent()).toBe('无点位');
    await ctx.close();
  });

  it('staff who may not take in citizen reports have no "new case" button or page', async () => {
    const ctx = await newContext(suite.browser, suite.server.url, DESKTOP);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'handler1');
    await clickNav(page, 'nav-cases');
    await page.getByTestId('case-table').waitFor();
    expect(await page.getByTestId('new-case').count()).toBe(0);
    await page.goto('/cases/new');
    await page.getByTestId('not-found').waitFor();
    await ctx.close();
  });
});
