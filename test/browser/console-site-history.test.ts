import { randomUUID } from 'node:crypto';
import type { APIRequestContext } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { DEMO_PASSWORD, describeBrowser, eventually, newContext, signInThroughForm, solidJpeg } from './helpers/browser.js';
import { browserSuite, subdistrictOf } from './helpers/suite.js';
import { scopeOf } from './helpers/scope.js';
import { workingDeadline } from '../helpers/working-deadline.js';

const DESKTOP = { viewport: { width: 1400, height: 1000 } };

describeBrowser('console: site history timeline on the site page', () => {
  const suite = browserSuite();
  let hq: string;

  beforeAll(async () => {
    hq = await subdistrictOf(suite.server, 'operator');
  });

  async function as(username: string): Promise<APIRequestContext> {
    const ctx = await newContext(suite.browser, suite.server.url);
    const res = await ctx.request.post('/api/auth/sign-in', { data: { username, password: DEMO_PASSWORD } });
    expect(res.status()).toBe(200);
    return ctx.request;
  }
  async function post(req: APIRequestContext, path: string, data: unknown) {
    const res = await req.post(path, { data, headers: { 'idempotency-key': randomUUID() } });
    expect(res.status(), await res.text()).toBeLessThan(300);
    return res.json();
  }
  async function photo(req: APIRequestContext, shade: number): Promise<string> {
    const res = await req.post('/api/photos', { multipart: { file: await solidJpeg(shade, 120, 200 - shade) } });
    expect(res.status(), await res.text()).toBe(201);
    return (await res.json()).id;
  }

  it('shows a shop’s failed inspection, the case it raised, the grade change and the enforcement steps, newest first', async () => {
    const shop = await suite.server.db.selectFrom('sites').select(['id', 'name', 'address', 'lng', 'lat']).where('subdistrict_id', '=', hq).where('kind', '=', 'shop').where('status', '=', 'active').orderBy('id').executeTakeFirstOrThrow();
    // a patrol officer inspects the shop: one item fails and is reported into the case loop
    const patrol = await as('patrol1');
    const cl = (await (await patrol.get('/api/checklists?siteKind=shop')).json()).items[0];
    const items = (await (await patrol.get(`/api/checklists/${cl.id}`)).json()).items as { id: string; photoRequiredOnFail: boolean }[];
    const failing = items.findIndex((i) => i.photoRequiredOnFail);
    const answers: object[] = items.map((i) => ({ itemId: i.id, result: 'pass' }));
    answers[failing] = { itemId: items[failing]!.id, result: 'fail', resolution: 'reported', photoIds: [await photo(patrol, 30)], note: '门口无分类容器' };
    const insp = await post(patrol, '/api/inspections', { siteId: shop.id, checklistId: cl.id, answers });
    expect(insp).toMatchObject({ outcome: 'fail', failedCount: 1 });
    const caseId = insp.cases[0].caseId as string;
    const number = (await suite.server.db.selectFrom('cases').select('number').where('id', '=', caseId).executeTakeFirstOrThrow()).number;

    // an enforcement officer opens a ladder at the shop and issues a rectification order
    const enforcer = await as('enforcer1');
    const basis = await suite.server.db.selectFrom('legal_bases').select('id').where('subdistrict_id', '=', hq).where('code', '=', 'SH-DWMR-26-1').executeTakeFirstOrThrow();
    const cat = await suite.server.db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', hq).where('code', '=', 'B0401').executeTakeFirstOrThrow();
    const co = await suite.server.db.selectFrom('users').select('id').where('username', '=', 'enforcer2').executeTakeFirstOrThrow();
    const gps = { lng: Number(shop.lng), lat: Number(shop.lat), accuracy: 8 };
    const evidence = await photo(enforcer, 90);
    const opened = await post(enforcer, '/api/enforcement/cases', { siteId: shop.id, categoryId: cat.id, gps, photoIds: [evidence], legalBasisId: basis.id, facts: '未设置生活垃圾分类收集容器' });
    await post(enforcer, `/api/enforcement/cases/${opened.id}/steps`, {
      kind: 'order', version: opened.version, coOfficerId: co.id, gps, photoIds: [evidence], educationGiven: true, acknowledgement: 'signed',
      deadlineAt: workingDeadline(Date.now(), 48), deadlineReason: '与店主约定', place: shop.address,
    });
    const stepCount = (await suite.server.db.selectFrom('enforcement_steps').select('id').where('enforcement_case_id', '=', opened.id).execute()).length;
    const grades = await suite.server.db.selectFrom('site_grade_changes').select(['to_grade']).where('site_id', '=', shop.id).execute();
    expect(grades.length).toBeGreaterThanOrEqual(1);

    const ctx = await newContext(suite.browser, suite.server.url, DESKTOP);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'operator');
    await page.getByTestId('who').waitFor();
    await page.goto(`/sites/${shop.id}`);
    await page.getByTestId('site-history').waitFor();
    const types = () => page.getByTestId('history-entry').evaluateAll((els) => els.map((e) => e.getAttribute('data-type')));
    // the page shows exactly the server's timeline, in its order
    const api = (await (await page.request.get(`/api/sites/${shop.id}/history`)).json()) as { items: { type: string }[] };
    await eventually(types).toEqual(api.items.map((e) => e.type));
    const shown = await types();
    expect(shown.filter((x) => x === 'inspection')).toHaveLength(1);
    expect(shown.filter((x) => x === 'case').length).toBeGreaterThanOrEqual(1);
    expect(shown.filter((x) => x === 'grade_change').length).toBeGreaterThanOrEqual(grades.length);
    expect(shown.filter((x) => x === 'enforcement')).toHaveLength(stepCount);
    // newest first: the enforcement steps came after the inspection and its case
    expect(shown.indexOf('enforcement')).toBeLessThan(shown.indexOf('inspection'));
    expect(await page.locator('[data-type=inspection] .history-text').textContent()).toContain('不合格 1 项');
    expect(await page.getByTestId('history-grade').getAttribute('data-grade')).toBe('red');

    // filter to cases, and open the case from the timeline
    await page.getByTestId('history-type').selectOption('case');
    await eventually(async () => new Set(await types())).toEqual(new Set(['case']));
    await page.locator('[data-testid=history-case-link]', { hasText: number }).click();
    await eventually(() => page.getByTestId('case-number').textContent()).toBe(number);
    await ctx.close();
  });

  it('shows a bin room’s check-in with its method, and a handler (no patrol records) does not see the timeline', async () => {
    const cadre = await scopeOf(suite.server.db, 'cadre01');
    const room = await suite.server.db.selectFrom('sites').select(['id', 'qr_code']).where('committee_id', '=', cadre.committee_id).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
    const req = await as('cadre01');
    await post(req, '/api/checkins', { siteId: room.id, photoId: await photo(req, 60), qrCode: room.qr_code });

    const ctx = await newContext(suite.browser, suite.server.url, DESKTOP);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'operator');
    await page.getByTestId('who').waitFor();
    await page.goto(`/sites/${room.id}`);
    await eventually(() => page.locator('[data-testid=history-entry][data-type=checkin] .history-text').textContent()).toContain('扫码');
    await page.getByTestId('lang-switch').click();
    await eventually(() => page.locator('.site-history h2').textContent()).toBe('Site history');
    expect(await page.locator('[data-testid=history-entry][data-type=checkin] .history-text').textContent()).toContain('checked in');
    await ctx.close();

    const h = await newContext(suite.browser, suite.server.url, DESKTOP);
    const hp = await h.newPage();
    await signInThroughForm(hp, 'handler1');
    await hp.getByTestId('who').waitFor();
    await hp.goto(`/sites/${room.id}`);
    await hp.getByTestId('site-name').waitFor();
    expect(await hp.getByTestId('site-history').count()).toBe(0);
    await h.close();
  });
});
