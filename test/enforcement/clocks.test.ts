import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enforcementCounts } from '../../src/domain/enforcement/counts.js';
import { enforcementReinspectionsPoller } from '../../src/jobs/enforcement-reinspections.js';
import { actorOf, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { enforcementContext, HQ_GPS, type hongqiao, ladderFromFailedInspection, uploadPhoto } from './helpers.js';

for (const dialect of DIALECTS) {
  describe(`enforcement clocks and origins [${dialect}]`, { timeout: 120_000 }, () => {
    let env: Awaited<ReturnType<typeof enforcementContext>>;
    let ctx: TestContext;
    let hq: Awaited<ReturnType<typeof hongqiao>>;
    let e2Id: string;

    beforeAll(async () => {
      env = await enforcementContext(dialect, 'closeloop-enf-');
      ({ ctx, hq, e2Id } = env);
      ctx.clock.set('2026-08-03T09:00:00+08:00');
    });
    afterAll(async () => env?.close());
    const post = (cookie: string, url: string, payload: unknown) => ctx.app.inject({ method: 'POST', url, headers: { cookie }, payload: payload as object });

    it('opens from a failed inspection, dispatches once across two pollers and a restart, and flags an unpaid fine once', async () => {
      const e1 = await signInAs(ctx.app, 'enforcer1');
      // The officer's inspection fails an item and reports it into the loop.
      const { site, photo, inspection, ec } = await ladderFromFailedInspection(ctx, hq, e1, 200);
      expect(inspection.outcome).toBe('fail');
      expect(ec).toMatchObject({ origin: 'inspection', inspectionId: inspection.id, caseId: inspection.cases[0].caseId, partyId: site.responsible_party_id });

      const step = (body: object) => post(e1, `/api/enforcement/cases/${ec.id}/steps`, body);
      const o = await step({ kind: 'order', version: 1, coOfficerId: e2Id, gps: HQ_GPS, photoIds: [photo], deadlineAt: '2026-08-04T12:00:00+08:00', deadlineReason: '约定次日中午前' });
      expect(o.statusCode, o.body).toBe(201);

      // Two pollers (two processes) at the same moment, then a "restarted" one: exactly one task.
      ctx.clock.set('2026-08-04T12:30:00+08:00');
      const deps = { db: ctx.handle.db, config: ctx.deps.config, clock: ctx.clock };
      const [a, b] = [enforcementReinspectionsPoller(deps), enforcementReinspectionsPoller(deps)];
      const ran = await Promise.all([a.runOnce(), b.runOnce()]);
      expect(ran.reduce((x, y) => x + y, 0)).toBe(1);
      expect(await enforcementReinspectionsPoller(deps).runOnce()).toBe(0);
      const tasks = await ctx.handle.db.selectFrom('enforcement_tasks').selectAll().where('enforcement_case_id', '=', ec.id).execute();
      expect(tasks).toHaveLength(1);
      const notes = await ctx.handle.db.selectFrom('notifications').select('id').where('kind', '=', 'enforcement_reinspection').where('case_id', '=', ec.caseId).execute();
      expect(notes).toHaveLength(1);

      // Walk to a decision, then let the payment date pass.
      const e1b = await signInAs(ctx.app, 'enforcer1');
      const s2 = (body: object) => post(e1b, `/api/enforcement/cases/${ec.id}/steps`, body);
      const p2 = await uploadPhoto(ctx, e1b);
      let r = await s2({ kind: 'reinspection', version: 2, gps: HQ_GPS, photoIds: [p2], result: 'not_rectified', findings: ['分类标识仍未设置'] });
      expect(r.statusCode, r.body).toBe(201);
      r = await s2({ kind: 'notice', version: 3, coOfficerId: e2Id, deadlineAt: '2026-08-05T12:00:00+08:00', deadlineReason: '约定次日中午前' });
      expect(r.statusCode, r.body).toBe(201);
      ctx.clock.set('2026-08-05T13:00:00+08:00');
      expect(await a.runOnce()).toBe(1);
      const e1c = await signInAs(ctx.app, 'enforcer1');
      const s3 = (body: object) => post(e1c, `/api/enforcement/cases/${ec.id}/steps`, body);
      r = await s3({ kind: 'reinspection', version: 4, gps: HQ_GPS, photoIds: [await uploadPhoto(ctx, e1c)], result: 'not_rectified', findings: ['仍未整改'] });
      expect(r.statusCode, r.body).toBe(201);
      r = await s3({ kind: 'prior_notice', version: 5, coOfficerId: e2Id, fineAmount: 3000 });
      expect(r.statusCode).toBe(400);
      expect(r.json().error.details.fields[0].field).toBe('fineReason');
      r = await s3({ kind: 'prior_notice', version: 5, coOfficerId: e2Id, fineAmount: 3000, fineReason: '拒不配合，情节较重' });
      expect(r.statusCode, r.body).toBe(201);
      // The party stays silent; after the statement period the decision follows.
      ctx.clock.set(new Date(new Date(r.json().case.statementEndsAt).getTime() + 3600_000));
      const e1e = await signInAs(ctx.app, 'enforcer1');
      r = await post(e1e, `/api/enforcement/cases/${ec.id}/steps`, { kind: 'decision', version: 6, coOfficerId: e2Id, fineAmount: 3000, fineReason: '拒不配合，情节较重' });
      expect(r.statusCode, r.body).toBe(201);
      const due = r.json().case.paymentDueAt;
      ctx.clock.set(new Date(new Date(due).getTime() - 60_000));
      expect(await a.runOnce()).toBe(0);
      ctx.clock.set(new Date(new Date(due).getTime() + 60_000));
      expect(await Promise.all([a.runOnce(), b.runOnce()]).then((x) => x[0] + x[1])).toBe(1);
      expect(await a.runOnce()).toBe(0);
      const leader = await actorOf(ctx, 'leader');
      const counts = await enforcementCounts(ctx.handle.db, leader, { from: '2026-08-01T00:00:00.000Z', to: '2026-09-30T00:00:00.000Z' }, ctx.clock.now());
      expect(counts).toMatchObject({ overdueFines: 1, overdueService: 0, decisionsIssued: 1, finesDecidedRmb: 3000, finesPaidRmb: 0, openByStage: { decided: 1 } });
      const desk = (await ctx.app.inject({ method: 'GET', url: '/api/enforcement/cases?view=overdue_fines', headers: { cookie: await signInAs(ctx.app, 'operator') } })).json();
      expect(desk.items.map((i: { id: string }) => i.id)).toEqual([ec.id]);
      // Paying late still closes the ladder.
      const e1d = await signInAs(ctx.app, 'enforcer1');
      r = await post(e1d, `/api/enforcement/cases/${ec.id}/steps`, { kind: 'payment', version: 7, note: '逾期缴纳，含加处罚款' });
      expect(r.statusCode, r.body).toBe(201);
      expect(r.json().case).toMatchObject({ stage: 'closed', outcome: 'paid' });
    });
  });
}
