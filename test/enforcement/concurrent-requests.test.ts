import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportCase } from '../../src/domain/cases/report-case.js';
import { actorOf, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { enforcementContext, HQ_GPS, shopOn, type hongqiao, uploadPhoto, workingDeadline } from './helpers.js';

/**
 * Two officers (or two phones' outboxes, each with its own idempotency key) acting on the same
 * thing at the same moment: one wins, the other is told 409, and nothing is doubled. Real
 * concurrency needs PostgreSQL (SQLite writes one transaction at a time); both engines run it.
 */
for (const dialect of DIALECTS) {
  describe(`enforcement under concurrent requests [${dialect}]`, { timeout: 120_000 }, () => {
    let env: Awaited<ReturnType<typeof enforcementContext>>;
    let ctx: TestContext;
    let hq: Awaited<ReturnType<typeof hongqiao>>;
    let e2Id: string;
    beforeAll(async () => {
      env = await enforcementContext(dialect, 'closeloop-enf-race-');
      ({ ctx, hq, e2Id } = env);
    });
    afterAll(async () => env?.close());

    it('escalating one case from two places at once opens one ladder', async () => {
      const db = ctx.handle.db;
      const site = await shopOn(ctx, hq.subdistrictId, '', '', 500);
      const actor = await actorOf(ctx, 'enforcer1');
      const made = await db.transaction().execute((trx) =>
        reportCase(trx, ctx.clock, actor, { source: 'enforcement', categoryId: hq.categoryId, siteId: site.id, lng: HQ_GPS.lng, lat: HQ_GPS.lat, description: '未设置分类标识' }),
      );
      const cookies = [await signInAs(ctx.app, 'enforcer1'), await signInAs(ctx.app, 'enforcer2'), await signInAs(ctx.app, 'enforcer1')];
      const body = { caseId: made.id, legalBasisId: hq.art26, facts: '未设置分类标识' };
      const res = await Promise.all(cookies.map((cookie, i) => ctx.app.inject({ method: 'POST', url: '/api/enforcement/cases', headers: { cookie, 'idempotency-key': `race-open-${dialect}-${i}` }, payload: body })));
      expect(res.map((r) => r.statusCode).sort()).toEqual([201, 409, 409]);
      expect(await db.selectFrom('enforcement_cases').select('id').where('case_id', '=', made.id).execute()).toHaveLength(1);
    });

    it('correcting one document from two places at once issues one revision; the others are 409, never 500', async () => {
      const cookie = await signInAs(ctx.app, 'enforcer1');
      const post = (url: string, payload: object) => ctx.app.inject({ method: 'POST', url, headers: { cookie }, payload });
      const site = await shopOn(ctx, hq.subdistrictId, '', '', 501);
      const opened = await post('/api/enforcement/cases', { siteId: site.id, categoryId: hq.categoryId, gps: HQ_GPS, legalBasisId: hq.art26, facts: '未设置分类标识' });
      expect(opened.statusCode, opened.body).toBe(201);
      const order = await post(`/api/enforcement/cases/${opened.json().id}/steps`, {
        kind: 'order', version: 1, coOfficerId: e2Id, gps: HQ_GPS, photoIds: [await uploadPhoto(ctx, cookie)],
        deadlineAt: workingDeadline(ctx.clock.now()), deadlineReason: '约定',
      });
      expect(order.statusCode, order.body).toBe(201);
      const docId = order.json().document.id as string;
      const res = await Promise.all([1, 2, 3].map((n) => post(`/api/enforcement/documents/${docId}/corrections`, { reason: `笔误 ${n}` })));
      expect(res.map((r) => r.statusCode).sort()).toEqual([201, 409, 409]);
      const revisions = await ctx.handle.db.selectFrom('enforcement_documents').select('revision').where('enforcement_case_id', '=', opened.json().id).execute();
      expect(revisions.map((r) => Number(r.revision)).sort()).toEqual([1, 2]);
    });
  });
}
