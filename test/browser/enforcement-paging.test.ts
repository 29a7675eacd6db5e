import { expect, it } from 'vitest';
import { newId } from '../../src/domain/shared/ids.js';
import { DEMO_PASSWORD, describeBrowser, eventually, newContext, PHONE, signInThroughForm } from './helpers/browser.js';
import { browserSuite, subdistrictOf } from './helpers/suite.js';

describeBrowser('enforcement lists longer than a page', () => {
  const suite = browserSuite();

  it('the console desk and the field home show the first page of open ladders, then every one after "load more"', async () => {
    const db = suite.server.db;
    const sub = await subdistrictOf(suite.server, 'enforcer1');
    const shop = await db.selectFrom('sites').select(['id', 'lng', 'lat']).where('subdistrict_id', '=', sub).where('kind', '=', 'shop')
      .where('responsible_party_id', 'is not', null).orderBy('id').executeTakeFirstOrThrow();
    const category = await db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', sub).where('code', '=', 'B0401').executeTakeFirstOrThrow();

    // One ladder opened as an officer would; its row copied so the subdistrict has more open ladders than a page.
    const api = await newContext(suite.browser, suite.server.url);
    expect((await api.request.post('/api/auth/sign-in', { data: { username: 'enforcer1', password: DEMO_PASSWORD } })).status()).toBe(200);
    const basis = (await (await api.request.get('/api/enforcement/legal-bases')).json()).items[0];
    const opened = await api.request.post('/api/enforcement/cases', {
      data: { siteId: shop.id, categoryId: category.id, gps: { lng: shop.lng, lat: shop.lat, accuracy: 8 }, legalBasisId: basis.id, facts: '未设置分类标识' },
    });
    expect(opened.status(), await opened.text()).toBe(201);
    const row = await db.selectFrom('enforcement_cases').selectAll().where('id', '=', (await opened.json()).id).executeTakeFirstOrThrow();
    await db.insertInto('enforcement_cases').values(Array.from({ length: 130 }, () => ({ ...row, id: newId() }))).execute();
    const open = await db.selectFrom('enforcement_cases').select('id').where('subdistrict_id', '=', sub).where('stage', '!=', 'closed').execute();
    expect(open.length).toBeGreaterThan(100);
    await api.close();

    const desk = await newContext(suite.browser, suite.server.url);
    const page = await desk.newPage();
    await signInThroughForm(page, 'enforcer1');
    await page.waitForURL((u) => !u.pathname.includes('sign-in'));
    await page.goto('/enforcement');
    const rows = page.locator('[data-testid=ladder-table] tbody tr');
    await eventually(() => rows.count()).toBe(100);
    await page.getByTestId('ladders-more').click();
    await eventually(() => rows.count()).toBe(open.length);
    const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id')));
    expect(new Set(ids)).toEqual(new Set(open.map((r) => r.id)));
    expect(await page.getByTestId('ladders-more').count()).toBe(0);
    await desk.close();

    const field = await newContext(suite.browser, suite.server.url, PHONE);
    const phone = await field.newPage();
    await signInThroughForm(phone, 'enforcer1', '/m/sign-in');
    // An officer signs in to the enforcement home.
    await phone.getByTestId('enf-open').waitFor();
    const items = phone.locator('[data-testid=enf-open] li');
    await eventually(() => items.count()).toBe(100);
    await phone.getByTestId('enf-open-more').click();
    await eventually(() => items.count()).toBe(open.length);
    expect(await phone.getByTestId('enf-open-more').count()).toBe(0);
    await field.close();
  });
});
