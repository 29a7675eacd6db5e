import { expect, it } from 'vitest';
import { newId } from '../../src/domain/shared/ids.js';
import { DEMO_PASSWORD, describeBrowser, eventually, newContext, signInThroughForm } from './helpers/browser.js';
import { clickNav } from './helpers/nav.js';
import { browserSuite, subdistrictOf } from './helpers/suite.js';

const DAY = 24 * 3600_000;
/** More than the desk's first page of the list (50). */
const UNSERVED = 57;

describeBrowser('penalty decisions overdue for service, counted on the desk and the dashboard', () => {
  const suite = browserSuite();

  it("the desk's badge counts the whole overdue_service list, and the operations centre sees the same count as a red card", async () => {
    const db = suite.server.db;
    const sub = await subdistrictOf(suite.server, 'enforcer1');
    const shop = await db.selectFrom('sites').select(['id', 'lng', 'lat']).where('subdistrict_id', '=', sub).where('kind', '=', 'shop')
      .where('responsible_party_id', 'is not', null).orderBy('id').executeTakeFirstOrThrow();
    const category = await db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', sub).where('code', '=', 'B0401').executeTakeFirstOrThrow();

    // One ladder opened as an officer would; its row copied as ladders whose penalty decision was
    // issued a month ago with the party absent and never served.
    const api = await newContext(suite.browser, suite.server.url);
    expect((await api.request.post('/api/auth/sign-in', { data: { username: 'enforcer1', password: DEMO_PASSWORD } })).status()).toBe(200);
    const basis = (await (await api.request.get('/api/enforcement/legal-bases')).json()).items[0];
    const opened = await api.request.post('/api/enforcement/cases', {
      data: { siteId: shop.id, categoryId: category.id, gps: { lng: shop.lng, lat: shop.lat, accuracy: 8 }, legalBasisId: basis.id, facts: '未设置分类标识' },
    });
    expect(opened.status(), await opened.text()).toBe(201);
    const row = await db.selectFrom('enforcement_cases').selectAll().where('id', '=', (await opened.json()).id).executeTakeFirstOrThrow();
    const issued = new Date(Date.now() - 30 * DAY).toISOString();
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < UNSERVED; i++) {
        const [id, stepId] = [newId(), newId()];
        await trx.insertInto('enforcement_cases').values({ ...row, id, stage: 'decided', fine_amount: 500, unserved_step_id: null }).execute();
        await trx.insertInto('enforcement_steps').values({
          id: stepId, enforcement_case_id: id, subdistrict_id: sub, kind: 'decision', from_stage: 'prior_noticed', to_stage: 'decided', result: null,
          actor_user_id: row.opened_by, co_officer_id: null, at: issued, lng: null, lat: null, accuracy_m: null, place: null, note: null, education_given: null,
          acknowledgement: 'absent', deadline_at: null, fine_amount: 500, photo_ids: '[]', document_id: null, event_id: null, details: '{}',
        }).execute();
        await trx.updateTable('enforcement_cases').set({ unserved_step_id: stepId }).where('id', '=', id).execute();
      }
    });
    const listed = await (await api.request.get('/api/enforcement/cases?view=overdue_service&limit=200')).json();
    expect(listed.items).toHaveLength(UNSERVED);
    await api.close();

    // The officer's desk: the list shows its first page, the badge the whole count.
    const officer = await newContext(suite.browser, suite.server.url);
    const desk = await officer.newPage();
    await signInThroughForm(desk, 'enforcer1');
    await desk.waitForURL((u) => !u.pathname.includes('sign-in'));
    await desk.goto('/enforcement');
    await eventually(() => desk.locator('[data-testid=unserved-list] li').count()).toBe(50);
    await eventually(() => desk.getByTestId('unserved-count').textContent()).toBe(String(UNSERVED));
    await officer.close();

    // The operations centre's dashboard: the same count, red.
    const centre = await newContext(suite.browser, suite.server.url);
    const page = await centre.newPage();
    await signInThroughForm(page, 'operator');
    await clickNav(page, 'nav-dashboard');
    const card = page.getByTestId('kpi-unservedDecisions');
    await eventually(() => card.locator('b').textContent()).toBe(String(UNSERVED));
    expect(await card.getAttribute('class')).toContain('warn');
    expect(await card.locator('span').textContent()).toBe('处罚决定逾期未送达');
    await centre.close();
  });
});
