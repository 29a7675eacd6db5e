/// <reference lib="dom" />
import type { APIRequestContext } from 'playwright-core';
import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { offsetMetres } from '../../src/domain/geo/haversine.js';
import { DEMO_PASSWORD, describeBrowser, eventually, newContext, PHONE, signInThroughForm, solidJpeg, fieldHome } from './helpers/browser.js';
import { browserSuite } from './helpers/suite.js';
import { clickNav } from './helpers/nav.js';

const jpeg = (r: number, g: number, b: number) => solidJpeg(r, g, b, 480, 360);

describeBrowser('case desk: queues, search, filters, bulk dispatch, stale versions; self-resolve on the phone', () => {
  const suite = browserSuite();


  async function hongqiao() {
    const sub = await suite.server.db.selectFrom('users').select('subdistrict_id').where('username', '=', 'operator').executeTakeFirstOrThrow();
    const sites = await suite.server.db.selectFrom('sites').select(['id', 'lng', 'lat', 'committee_id']).where('subdistrict_id', '=', sub.subdistrict_id!).where('kind', '=', 'bin_room').where('status', '=', 'active').orderBy('id').limit(3).execute();
    const cats = await suite.server.db.selectFrom('case_categories').select(['id', 'code']).where('subdistrict_id', '=', sub.subdistrict_id!).where('level', '=', 'standard').where('active', '=', 1).orderBy('code').limit(2).execute();
    const unit = await suite.server.db.selectFrom('handling_units').select(['id', 'name']).where('subdistrict_id', '=', sub.subdistrict_id!).where('kind', '=', 'sanitation_company').executeTakeFirstOrThrow();
    return { sites, cats, unit };
  }

  async function post(req: APIRequestContext, path: string, data: unknown) {
    const res = await req.post(path, { data, headers: { 'idempotency-key': randomUUID() } });
    expect(res.status(), await res.text()).toBeLessThan(300);
    return res.json();
  }

  it('shows queue counts, finds a case by number and by category, dispatches two in bulk, and reloads on a stale version', async () => {
    const { sites, cats, unit } = await hongqiao();
    const patrol = await newContext(suite.browser, suite.server.url);
    await post(patrol.request, '/api/auth/sign-in', { username: 'patrol2', password: DEMO_PASSWORD });
    const made: { id: string; number: string; version: number }[] = [];
    for (const [i, site] of sites.entries()) {
      made.push(await post(patrol.request, '/api/cases', { source: 'patrol', categoryId: cats[i === 2 ? 1 : 0]!.id, siteId: site.id, lng: site.lng, lat: site.lat, description: `desk test case ${i}` }));
    }
    await patrol.close();

    const ctx = await newContext(suite.browser, suite.server.url, { viewport: { width: 1400, height: 900 } });
    const page = await ctx.newPage();
    await signInThroughForm(page, 'operator');
    await clickNav(page, 'nav-cases');
    await eventually(() => page.getByTestId('count-to_file').textContent()).toBe('3');
    await eventually(() => page.locator('[data-testid=case-table] tbody tr').count()).toBe(3);

    // search by number
    await page.getByTestId('case-search').fill(made[1]!.number);
    await page.getByTestId('case-search').press('Enter');
    await eventually(() => page.locator('[data-testid=case-table] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-number')))).toEqual([made[1]!.number]);
    await page.getByTestId('case-search').fill('');
    await page.getByTestId('case-search').press('Enter');
    // filter by category (the third case has the other one)
    await page.getByTestId('filter-category').selectOption(cats[1]!.id);
    await eventually(() => page.locator('[data-testid=case-table] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-number')))).toEqual([made[2]!.number]);
    await page.getByTestId('filter-category').selectOption('');

    // file two through the API, then dispatch both in one go from the "to dispatch" queue
    for (const c of made.slice(0, 2)) await post(page.request, `/api/cases/${c.id}/transitions`, { action: 'file', version: c.version });
    await page.getByTestId('queue-to_dispatch').click();
    await eventually(() => page.locator('[data-testid=case-table] tbody tr').count()).toBe(2);
    for (const c of made.slice(0, 2)) await page.getByTestId(`select-${c.id}`).check();
    await page.getByTestId('bulk-unit').selectOption(unit.id);
    const bulk = page.waitForResponse((r) => r.url().endsWith('/api/cases/bulk-dispatch'));
    await page.getByTestId('bulk-submit').click();
    expect((await bulk).status()).toBe(200);
    await eventually(() => page.getByTestId('case-empty').isVisible()).toBe(true);
    // The batch's result stays on screen after the selection (and the form with it) is cleared.
    expect(await page.getByTestId('bulk-result').textContent()).toBe('已派遣 2 件');
    const rows = await suite.server.db.selectFrom('cases').select(['status', 'assigned_unit_id']).where('id', 'in', made.slice(0, 2).map((c) => c.id)).execute();
    expect(rows).toEqual([{ status: 'dispatched', assigned_unit_id: unit.id }, { status: 'dispatched', assigned_unit_id: unit.id }]);

    // stale version: the page shows version 1, someone files it meanwhile; "file" gets 409, the page reloads and says so
    const third = made[2]!;
    await page.goto(`/cases/${third.id}`);
    await eventually(() => page.getByTestId('case-detail').getAttribute('data-status')).toBe('reported');
    await post(page.request, `/api/cases/${third.id}/transitions`, { action: 'file', version: third.version });
    await page.getByTestId('action-file').click();
    const stale = page.waitForResponse((r) => r.url().endsWith(`/api/cases/${third.id}/transitions`));
    await page.getByTestId('action-submit-file').click();
    expect((await stale).status()).toBe(409);
    await page.getByTestId('action-conflict').waitFor();
    await eventually(() => page.getByTestId('case-detail').getAttribute('data-status')).toBe('filed');
    await page.getByTestId('action-dispatch').waitFor();
    expect(await suite.server.db.selectFrom('case_events').select('action').where('case_id', '=', third.id).execute()).toHaveLength(2);
    await ctx.close();
  });

  it('shows in the unit column the committee unit a case sent to a cadre by name answers to', async () => {
    const db = suite.server.db;
    const { cats } = await hongqiao();
    const sub = await db.selectFrom('users').select('subdistrict_id').where('username', '=', 'operator').executeTakeFirstOrThrow();
    const c001 = await db.selectFrom('committees').select('id').where('subdistrict_id', '=', sub.subdistrict_id!).where('code', '=', '001').executeTakeFirstOrThrow();
    const site = await db.selectFrom('sites').select(['id', 'lng', 'lat']).where('committee_id', '=', c001.id).where('kind', '=', 'bin_room').where('status', '=', 'active').orderBy('id').executeTakeFirstOrThrow();
    const cadre = await db.selectFrom('users').select('id').where('username', '=', 'cadre01').executeTakeFirstOrThrow();
    const ctx = await newContext(suite.browser, suite.server.url, { viewport: { width: 1400, height: 900 } });
    await post(ctx.request, '/api/auth/sign-in', { username: 'operator', password: DEMO_PASSWORD });
    let c = await post(ctx.request, '/api/cases', { source: 'citizen', categoryId: cats[0]!.id, siteId: site.id, lng: site.lng, lat: site.lat, description: '居委干部点名派遣' });
    c = await post(ctx.request, `/api/cases/${c.id}/transitions`, { action: 'file', version: c.version });
    await post(ctx.request, `/api/cases/${c.id}/transitions`, { action: 'dispatch', version: c.version, userId: cadre.id });
    const row = await db.selectFrom('cases as k').innerJoin('handling_units as u', 'u.id', 'k.responsible_unit_id').select(['k.assigned_unit_id', 'u.name']).where('k.id', '=', c.id).executeTakeFirstOrThrow();
    expect(row.assigned_unit_id).toBeNull();
    const page = await ctx.newPage();
    await page.goto('/cases?queue=all');
    await page.getByTestId('case-search').fill(c.number);
    await page.getByTestId('case-search').press('Enter');
    await eventually(() => page.getByTestId(`unit-${c.id}`).textContent()).toBe(row.name);
    await ctx.close();
  });

  it('handler asks for a hold on the phone; the operator sees it pending and approves it on the detail page', async () => {
    const { sites, cats } = await hongqiao();
    const handler = await suite.server.db.selectFrom('users').select(['handling_unit_id']).where('username', '=', 'handler1').executeTakeFirstOrThrow();
    const site = sites[1]!;
    const op = await newContext(suite.browser, suite.server.url, { viewport: { width: 1400, height: 900 } });
    await post(op.request, '/api/auth/sign-in', { username: 'operator', password: DEMO_PASSWORD });
    let c = await post(op.request, '/api/cases', { source: 'citizen', categoryId: cats[0]!.id, siteId: site.id, lng: site.lng, lat: site.lat, description: '市民反映箱房破损' });
    c = await post(op.request, `/api/cases/${c.id}/transitions`, { action: 'file', version: c.version });
    c = await post(op.request, `/api/cases/${c.id}/transitions`, { action: 'dispatch', version: c.version, unitId: handler.handling_unit_id });

    const ctx = await newContext(suite.browser, suite.server.url, PHONE);
    const phone = await ctx.newPage();
    await signInThroughForm(phone, 'handler1', '/m/sign-in');
    await fieldHome(phone);
    await phone.getByTestId('tile-tasks').click();
    await phone.locator(`[data-testid=tasks-toHandle] a[data-case-id="${c.id}"]`).click();
    await phone.getByTestId('request_hold').click();
    await phone.getByTestId('request-reason').fill('箱房需整体改造，等待物业维修基金');
    const sent = phone.waitForResponse((r) => r.url().endsWith(`/api/cases/${c.id}/transitions`));
    await phone.getByTestId('request-submit').click();
    expect((await sent).status()).toBe(200);
    await phone.getByTestId('task-done').waitFor();

    const page = await op.newPage();
    await page.goto(`/cases/${c.id}`);
    await page.getByTestId('action-approve_hold').click();
    const approve = page.waitForResponse((r) => r.url().endsWith(`/api/cases/${c.id}/transitions`));
    await page.getByTestId('action-submit-approve_hold').click();
    expect((await approve).status()).toBe(200);
    await eventually(() => page.getByTestId('case-detail').getAttribute('data-status')).toBe('on_hold');
    await page.getByTestId('action-release_hold').waitFor();
    await Promise.all([ctx.close(), op.close()]);
  });

  it('records a self-resolved problem on the phone: closed at once, with before and after photos', async () => {
    const { sites, cats } = await hongqiao();
    const site = sites[0]!;
    const here = offsetMetres({ lat: site.lat, lng: site.lng }, 2, 180);
    const ctx = await newContext(suite.browser, suite.server.url, { ...PHONE, geolocation: { latitude: here.lat, longitude: here.lng, accuracy: 6 }, permissions: ['geolocation'] });
    const page = await ctx.newPage();
    await signInThroughForm(page, 'patrol3', '/m/sign-in');
    await fieldHome(page);
    await page.getByTestId('tile-self-resolve').click();
    await page.getByTestId('report-photo').setInputFiles(await jpeg(200, 40, 40));
    await page.getByTestId('report-photo-done').waitFor();
    await page.getByTestId('report-after').setInputFiles(await jpeg(40, 200, 40));
    await page.getByTestId('report-after-done').waitFor();
    await page.locator(`[data-testid=report-category] option[value="${cats[0]!.id}"]`).waitFor({ state: 'attached' });
    await page.getByTestId('report-category').selectOption(cats[0]!.id);
    // the site by its QR plate code instead of the nearby list
    const plate = await suite.server.db.selectFrom('sites').select('qr_code').where('id', '=', site.id).executeTakeFirstOrThrow();
    expect(plate.qr_code).toBeTruthy();
    await page.getByTestId('site-qr').fill(plate.qr_code!);
    await page.getByTestId('site-qr-find').click();
    await eventually(() => page.getByTestId(`site-${site.id}`).isChecked()).toBe(true);
    await page.getByTestId('report-note').fill('当场把落地垃圾归桶');
    await page.getByTestId('report-submit').click();
    await page.getByTestId('report-done').waitFor();
    const number = (await page.getByTestId('report-done').getAttribute('data-number'))!;
    const c = await suite.server.db.selectFrom('cases').select(['id', 'status', 'source', 'site_id']).where('number', '=', number).executeTakeFirstOrThrow();
    expect(c).toMatchObject({ status: 'closed', source: 'self_resolved', site_id: site.id });
    const purposes = (await suite.server.db.selectFrom('case_photos').select('purpose').where('case_id', '=', c.id).execute()).map((p) => p.purpose).sort();
    expect(purposes).toEqual(['after', 'before']);
    await ctx.close();
  });
});
