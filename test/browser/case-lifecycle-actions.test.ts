import { randomUUID } from 'node:crypto';
import type { APIRequestContext, Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { DEMO_PASSWORD, describeBrowser, eventually, newContext, signInThroughForm, solidJpeg } from './helpers/browser.js';
import { browserSuite, subdistrictOf } from './helpers/suite.js';

const DESKTOP = { viewport: { width: 1400, height: 1000 } };
type Case = { id: string; number: string; version: number; status: string };

describeBrowser('case detail page: merge, reopen, extension request and approval', () => {
  const suite = browserSuite();
  let hq: string;

  beforeAll(async () => {
    hq = await subdistrictOf(suite.server, 'operator');
  });

  async function as(username: string): Promise<APIRequestContext> {
    const ctx = await newContext(suite.browser, suite.server.url);
    expect((await ctx.request.post('/api/auth/sign-in', { data: { username, password: DEMO_PASSWORD } })).status()).toBe(200);
    return ctx.request;
  }
  async function post(req: APIRequestContext, path: string, data: unknown): Promise<Case> {
    const res = await req.post(path, { data, headers: { 'idempotency-key': randomUUID() } });
    expect(res.status(), await res.text()).toBeLessThan(300);
    return res.json();
  }
  async function citizenCase(req: APIRequestContext, description: string, siteIndex = 0): Promise<Case> {
    const site = await suite.server.db.selectFrom('sites').select(['id', 'lng', 'lat']).where('subdistrict_id', '=', hq).where('kind', '=', 'bin_room').where('status', '=', 'active').orderBy('id').offset(siteIndex).limit(1).executeTakeFirstOrThrow();
    const cat = await suite.server.db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', hq).where('code', '=', 'A0402').executeTakeFirstOrThrow();
    return post(req, '/api/cases', { source: 'citizen', categoryId: cat.id, siteId: site.id, lng: site.lng, lat: site.lat, description });
  }
  async function operatorPage(): Promise<Page> {
    const ctx = await newContext(suite.browser, suite.server.url, DESKTOP);
    const page = await ctx.newPage();
    await signInThroughForm(page, 'operator');
    await page.getByTestId('who').waitFor();
    return page;
  }
  const act = async (page: Page, caseId: string, action: string, fill?: () => Promise<void>) => {
    await page.getByTestId(`action-${action}`).click();
    await fill?.();
    const res = page.waitForResponse((r) => r.url().endsWith(`/api/cases/${caseId}/transitions`));
    await page.getByTestId(`action-submit-${action}`).click();
    return (await res).status();
  };
  const row = (id: string) => suite.server.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('merges a duplicate into another case found by its number; both keep their history', async () => {
    const op = await as('operator');
    const dup = await citizenCase(op, '市民反映：垃圾桶破损（重复来电）', 3);
    const target = await citizenCase(op, '市民反映：垃圾桶破损', 3);
    const page = await operatorPage();
    await page.goto(`/cases/${dup.id}`);
    await eventually(() => page.getByTestId('case-detail').getAttribute('data-status')).toBe('reported');
    expect(await act(page, dup.id, 'merge', () => page.getByTestId('merge-target').fill(target.number))).toBe(200);
    await eventually(() => page.getByTestId('case-detail').getAttribute('data-status')).toBe('merged');
    expect(await row(dup.id)).toMatchObject({ status: 'merged', merged_into_id: target.id });
    // the target lists the merged duplicate; each case keeps its own events
    await page.goto(`/cases/${target.id}`);
    await page.locator(`a[href="/cases/${dup.id}"]`, { hasText: dup.number }).waitFor();
    const events = await suite.server.db.selectFrom('case_events').select(['case_id', 'action']).where('case_id', 'in', [dup.id, target.id]).orderBy('seq').execute();
    expect(events.filter((e) => e.case_id === dup.id).map((e) => e.action)).toEqual(['report', 'merge']);
    expect(events.filter((e) => e.case_id === target.id).map((e) => e.action)[0]).toBe('report');
    await page.context().close();
  });

  it('reopens a closed case with a reason: back to "to dispatch", counted, the reason on the timeline', async () => {
    const op = await as('operator');
    const handlerUser = await suite.server.db.selectFrom('users').select('handling_unit_id').where('username', '=', 'handler1').executeTakeFirstOrThrow();
    let c = await citizenCase(op, '市民反映：箱房周边脏乱', 4);
    c = await post(op, `/api/cases/${c.id}/transitions`, { action: 'file', version: c.version });
    c = await post(op, `/api/cases/${c.id}/transitions`, { action: 'dispatch', version: c.version, unitId: handlerUser.handling_unit_id });
    const handler = await as('handler1');
    const up = await handler.post('/api/photos', { multipart: { file: await solidJpeg(40, 160, 60) } });
    c = await post(handler, `/api/cases/${c.id}/transitions`, { action: 'handle', version: c.version, note: '已清理', photoIds: [(await up.json()).id] });
    c = await post(op, `/api/cases/${c.id}/transitions`, { action: 'check_pass', version: c.version });
    expect(c.status).toBe('closed');

    const page = await operatorPage();
    await page.goto(`/cases/${c.id}`);
    await eventually(() => page.getByTestId('case-detail').getAttribute('data-status')).toBe('closed');
    const reason = '市民再次来电：问题复现，需重新处置';
    expect(await act(page, c.id, 'reopen', () => page.getByTestId('reason-reopen').fill(reason))).toBe(200);
    await eventually(() => page.getByTestId('case-detail').getAttribute('data-status')).toBe('filed');
    await page.getByTestId('action-dispatch').waitFor();
    expect(await row(c.id)).toMatchObject({ status: 'filed', reopen_count: 1, closed_at: null, status_reason: reason });
    await eventually(() => page.locator('.case-timeline').textContent()).toContain(reason);
    await page.context().close();
  });

  it('the handler asks for an extension on the case page; the operator sees it pending and approves it: the new due time holds', async () => {
    const op = await as('operator');
    const handlerUser = await suite.server.db.selectFrom('users').select('handling_unit_id').where('username', '=', 'handler1').executeTakeFirstOrThrow();
    let c = await citizenCase(op, '市民反映：分类桶需更换', 5);
    c = await post(op, `/api/cases/${c.id}/transitions`, { action: 'file', version: c.version });
    c = await post(op, `/api/cases/${c.id}/transitions`, { action: 'dispatch', version: c.version, unitId: handlerUser.handling_unit_id });
    const before = await row(c.id);

    const hctx = await newContext(suite.browser, suite.server.url, DESKTOP);
    const hp = await hctx.newPage();
    await signInThroughForm(hp, 'handler1');
    await hp.getByTestId('who').waitFor();
    await hp.goto(`/cases/${c.id}`);
    await eventually(() => hp.getByTestId('case-detail').getAttribute('data-status')).toBe('dispatched');
    // the handler is offered the requests, not the desk's approvals
    expect(await hp.getByTestId('action-approve_extension').count()).toBe(0);
    // ten days from now, at 17:00 Shanghai time
    const day = new Date(Date.now() + 8 * 3600_000 + 10 * 86_400_000).toISOString().slice(0, 10);
    const wanted = new Date(`${day}T17:00:00+08:00`).toISOString();
    expect(await act(hp, c.id, 'request_extension', async () => {
      await hp.getByTestId('due-request_extension').fill(`${day}T17:00`);
      await hp.getByTestId('reason-request_extension').fill('新桶需向区里申领，到货约一周');
    })).toBe(200);
    await hp.getByTestId('action-done').waitFor();
    expect(await row(c.id)).toMatchObject({ status: 'dispatched', pending_request: 'extension', requested_due_at: wanted, stage_due_at: before.stage_due_at });
    await hctx.close();

    const page = await operatorPage();
    await page.goto(`/cases/${c.id}`);
    await eventually(() => page.locator('.case-head .alert-info').textContent()).toContain('待审批：延期申请');
    expect(await page.getByTestId('action-refuse_extension').count()).toBe(1);
    expect(await act(page, c.id, 'approve_extension')).toBe(200);
    await page.getByTestId('action-done').waitFor();
    expect(await row(c.id)).toMatchObject({ status: 'dispatched', pending_request: null, stage_due_at: wanted, handle_due_at: wanted, extension_count: 1 });
    await eventually(() => page.locator('.case-head .alert-info').count()).toBe(0);
    await page.context().close();
  });
});
