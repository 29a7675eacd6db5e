import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { up } from '../../src/db/migrations/2026-12-09T1700-enforcement-team-cases-by-unit.js';
import { signInAs } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { enforcementContext, HQ_GPS, shopOn, uploadPhoto, workingDeadline } from './helpers.js';

/**
 * Ladders opened at a site before the case went to the enforcement team as a unit kept it assigned
 * to the opening officer by name. The repair hands their open cases to the team, so any officer
 * of it re-inspects (DOMAIN.md §4: the rectified re-inspection is the team's handling, checked by
 * someone independent), as for a ladder opened today; other cases keep their assignee.
 */
for (const dialect of DIALECTS) {
  describe(`ladders opened on site under the old rule [${dialect}]`, { timeout: 120_000 }, () => {
    let env: Awaited<ReturnType<typeof enforcementContext>>;
    beforeAll(async () => {
      env = await enforcementContext(dialect, 'closeloop-enf-old-');
      env.ctx.clock.set('2026-07-01T10:00:00+08:00');
    });
    afterAll(async () => env.close());

    const post = async (username: string, url: string, payload: object) =>
      env.ctx.app.inject({ method: 'POST', url, headers: { cookie: await signInAs(env.ctx.app, username) }, payload });
    const openWithOrder = async (shop: number) => {
      const { ctx, hq, e2Id } = env;
      const site = await shopOn(ctx, hq.subdistrictId, '', '', shop);
      const opened = await post('enforcer1', '/api/enforcement/cases', { siteId: site.id, categoryId: hq.categoryId, gps: HQ_GPS, legalBasisId: hq.art26, facts: '未设置分类标识' });
      expect(opened.statusCode, opened.body).toBe(201);
      const ec = opened.json();
      const order = await post('enforcer1', `/api/enforcement/cases/${ec.id}/steps`, {
        kind: 'order', version: 1, coOfficerId: e2Id, gps: HQ_GPS, photoIds: [await uploadPhoto(ctx, await signInAs(ctx.app, 'enforcer1'))], educationGiven: true,
        deadlineAt: workingDeadline(ctx.clock.now()), deadlineReason: '与当事人约定',
      });
      expect(order.statusCode, order.body).toBe(201);
      return { id: ec.id as string, caseId: ec.caseId as string, version: order.json().case.version as number };
    };
    const caseRow = (id: string) => env.ctx.handle.db.selectFrom('cases').select(['assigned_user_id', 'assigned_unit_id', 'version', 'status']).where('id', '=', id).executeTakeFirstOrThrow();

    it('hands the open case of an old on-site ladder to the team, so another officer\'s rectified re-inspection is its handling', async () => {
      const { ctx, hq, e2Id } = env;
      const db = ctx.handle.db;
      const e1Id = await hq.userId('enforcer1');
      const old = await openWithOrder(160);
      const other = await openWithOrder(161);
      // As the old rule filed them: to the opening officer by name; the other one was since
      // re-dispatched to enforcer2 by name, which the repair leaves alone.
      await db.updateTable('cases').set({ assigned_user_id: e1Id }).where('id', '=', old.caseId).execute();
      await db.updateTable('cases').set({ assigned_user_id: e2Id }).where('id', '=', other.caseId).execute();
      const before = await caseRow(old.caseId);

      await up(db);

      expect(await caseRow(old.caseId)).toEqual({ ...before, assigned_user_id: null, version: before.version + 1 });
      expect((await caseRow(other.caseId)).assigned_user_id).toBe(e2Id);

      ctx.clock.set('2026-07-02T12:00:00+08:00');
      const fixed = await post('enforcer2', `/api/enforcement/cases/${old.id}/steps`, {
        kind: 'reinspection', version: old.version, gps: HQ_GPS, result: 'rectified', note: '已张贴分类标识', photoIds: [await uploadPhoto(ctx, await signInAs(ctx.app, 'enforcer2'))],
      });
      expect(fixed.statusCode, fixed.body).toBe(201);
      expect((await caseRow(old.caseId)).status).toBe('handled');
    });
  });
}
