import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { regradeSitesWithCaseChanges } from '../../src/domain/compliance/regrade-changed.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { HQ_GPS, hongqiao, uploadPhoto } from '../enforcement/helpers.js';

for (const dialect of DIALECTS) {
  describe(`enforcement drives the compliance grade and the site timeline [${dialect}]`, () => {
    let ctx: TestContext;
    beforeAll(async () => {
      ctx = await demoContext(dialect);
    });
    afterAll(async () => ctx.close());

    it('turns a shop red once a rectification order is issued, and shows the steps in its history', async () => {
      const db = ctx.handle.db;
      const hq = await hongqiao(ctx);
      const shop = await db.selectFrom('sites').select(['id', 'address']).where('subdistrict_id', '=', hq.subdistrictId).where('kind', '=', 'shop').orderBy('id').executeTakeFirstOrThrow();
      await regradeSitesWithCaseChanges(db, ctx.clock); // first run: sets the cursor
      ctx.clock.set('2026-05-26T10:30:00+08:00');
      const enforcer1 = await signInAs(ctx.app, 'enforcer1');
      const photo = await uploadPhoto(ctx, enforcer1);
      const opened = await ctx.app.inject({
        method: 'POST', url: '/api/enforcement/cases', headers: { cookie: enforcer1 },
        payload: { siteId: shop.id, categoryId: hq.categoryId, gps: HQ_GPS, photoIds: [photo], legalBasisId: hq.art26, facts: '未设置生活垃圾分类标识' },
      });
      expect(opened.statusCode, opened.body).toBe(201);
      const order = await ctx.app.inject({
        method: 'POST', url: `/api/enforcement/cases/${opened.json().id}/steps`, headers: { cookie: enforcer1 },
        payload: { kind: 'order', version: 1, coOfficerId: await hq.userId('enforcer2'), gps: HQ_GPS, photoIds: [photo], educationGiven: true, acknowledgement: 'signed', deadlineAt: '2026-05-27T16:00:00+08:00', deadlineReason: '与店主约定', place: shop.address },
      });
      expect(order.statusCode, order.body).toBe(201);
      ctx.clock.set('2026-05-26T11:00:00+08:00');
      await regradeSitesWithCaseChanges(db, ctx.clock);
      const sc = await db.selectFrom('site_compliance').selectAll().where('site_id', '=', shop.id).executeTakeFirstOrThrow();
      expect(sc.grade).toBe('red');
      const change = await db.selectFrom('site_grade_changes').select('reason').where('site_id', '=', shop.id).orderBy('changed_at', 'desc').executeTakeFirstOrThrow();
      expect(JSON.parse(change.reason).reasons).toContain('enforcement_action');
      const history = (await ctx.app.inject({ method: 'GET', url: `/api/sites/${shop.id}/history`, headers: { cookie: await signInAs(ctx.app, 'operator') } })).json();
      expect(history.items.filter((e: { type: string }) => e.type === 'enforcement').length).toBeGreaterThanOrEqual(1);
    });
  });
}
