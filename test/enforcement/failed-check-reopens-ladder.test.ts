import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../../src/domain/cases/verify-chain.js';
import { signInAs } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { enforcementContext, HQ_GPS, shopOn, uploadPhoto, workingDeadline } from './helpers.js';

/**
 * On the enforcement team's own case a rectified re-inspection is the team's handling: it closes
 * the ladder and the case waits for an independent 核查. A failed check sends the case back to the
 * team to rectify (返工) and reopens the ladder at the rung it was closed from, so the two stay in
 * step: the team re-inspects on the ladder, and the ladder goes on up if it is still not rectified.
 */
for (const dialect of DIALECTS) {
  describe(`a failed 核查 on the ladder's own case [${dialect}]`, { timeout: 120_000 }, () => {
    let env: Awaited<ReturnType<typeof enforcementContext>>;
    beforeAll(async () => {
      env = await enforcementContext(dialect, 'closeloop-enf-check-');
      env.ctx.clock.set('2026-07-01T10:00:00+08:00');
    });
    afterAll(async () => env.close());

    const post = async (username: string, url: string, payload: object) =>
      env.ctx.app.inject({ method: 'POST', url, headers: { cookie: await signInAs(env.ctx.app, username) }, payload });
    const get = async (username: string, url: string) => env.ctx.app.inject({ method: 'GET', url, headers: { cookie: await signInAs(env.ctx.app, username) } });

    it('sends the case back to the team with the ladder open again at its rung', async () => {
      const { ctx, hq, e2Id } = env;
      const db = ctx.handle.db;
      const site = await shopOn(ctx, hq.subdistrictId, '', '', 170);
      const opened = await post('enforcer1', '/api/enforcement/cases', { siteId: site.id, categoryId: hq.categoryId, gps: HQ_GPS, legalBasisId: hq.art26, facts: '未设置分类标识' });
      expect(opened.statusCode, opened.body).toBe(201);
      const { id, caseId } = opened.json();
      const steps = `/api/enforcement/cases/${id}/steps`;
      const order = await post('enforcer1', steps, {
        kind: 'order', version: 1, coOfficerId: e2Id, gps: HQ_GPS, photoIds: [await uploadPhoto(ctx, await signInAs(ctx.app, 'enforcer1'))], educationGiven: true,
        deadlineAt: workingDeadline(ctx.clock.now()), deadlineReason: '与当事人约定',
      });
      expect(order.statusCode, order.body).toBe(201);
      ctx.clock.set('2026-07-02T12:00:00+08:00');
      const fixed = await post('enforcer2', steps, {
        kind: 'reinspection', version: order.json().case.version, gps: HQ_GPS, result: 'rectified', note: '已张贴分类标识', photoIds: [await uploadPhoto(ctx, await signInAs(ctx.app, 'enforcer2'))],
      });
      expect(fixed.statusCode, fixed.body).toBe(201);
      expect(fixed.json().case.stage).toBe('closed');

      // The desk's independent check finds it not rectified.
      const handled = (await get('operator', `/api/cases/${caseId}`)).json();
      expect(handled.status).toBe('handled');
      const failed = await post('operator', `/api/cases/${caseId}/transitions`, { action: 'check_fail', version: handled.version, note: '现场核查：分类标识仍未张贴' });
      expect(failed.statusCode, failed.body).toBe(200);
      expect(failed.json()).toMatchObject({ status: 'dispatched', assignedUnitId: expect.any(String) });

      const ladder = (await get('enforcer1', `/api/enforcement/cases/${id}`)).json();
      expect(ladder).toMatchObject({ stage: 'ordered', outcome: null, closedAt: null });
      expect(ladder.nextSteps.map((s: { kind: string }) => s.kind)).toContain('reinspection');
      const reopen = await db.selectFrom('case_events').select(['action', 'changes']).where('case_id', '=', caseId).where('action', '=', 'enforcement_reopen').execute();
      expect(reopen).toHaveLength(1);

      // The team re-inspects on the ladder: still not rectified, the ladder goes on to the notice.
      const again = await post('enforcer1', steps, {
        kind: 'reinspection', version: ladder.version, gps: HQ_GPS, result: 'not_rectified', findings: ['仍未张贴分类标识'],
        photoIds: [await uploadPhoto(ctx, await signInAs(ctx.app, 'enforcer1'))],
      });
      expect(again.statusCode, again.body).toBe(201);
      expect(again.json().case.stage).toBe('order_failed');
      expect((await db.selectFrom('cases').select('status').where('id', '=', caseId).executeTakeFirstOrThrow()).status).toBe('dispatched');
      expect((await verifyChain(db, hq.subdistrictId)).ok).toBe(true);
    });
  });
}
