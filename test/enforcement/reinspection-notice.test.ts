import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchDueReinspections } from '../../src/domain/enforcement/clocks.js';
import { signInAs, type TestContext } from '../helpers/app.js';
import { usersScopedToCommittees } from '../helpers/committee-scoped-users.js';
import { DIALECTS } from '../helpers/db.js';
import { enforcementContext, HQ_GPS, type hongqiao, ladderFromFailedInspection } from './helpers.js';

/**
 * The re-inspection dispatch tells the officers of the case's committee (and the whole
 * subdistrict's), never another committee's; each reads it in their own language.
 */
for (const dialect of DIALECTS) {
  describe(`the re-inspection notice [${dialect}]`, { timeout: 120_000 }, () => {
    let env: Awaited<ReturnType<typeof enforcementContext>>;
    let ctx: TestContext;
    let hq: Awaited<ReturnType<typeof hongqiao>>;
    let e2Id: string;

    beforeAll(async () => {
      env = await enforcementContext(dialect, 'closeloop-enf-notice-');
      ({ ctx, hq, e2Id } = env);
      ctx.clock.set('2026-08-03T09:00:00+08:00');
    });
    afterAll(async () => env?.close());
    const post = (cookie: string, url: string, payload: unknown) => ctx.app.inject({ method: 'POST', url, headers: { cookie }, payload: payload as object });

    it("reaches the case's committee officers, not another committee's, in the reader's language", async () => {
      const db = ctx.handle.db;
      const e1 = await signInAs(ctx.app, 'enforcer1');
      const { site, photo, ec } = await ladderFromFailedInspection(ctx, hq, e1, 200);
      const o = await post(e1, `/api/enforcement/cases/${ec.id}/steps`, { kind: 'order', version: 1, coOfficerId: e2Id, gps: HQ_GPS, photoIds: [photo], deadlineAt: '2026-08-04T12:00:00+08:00', deadlineReason: '约定次日中午前' });
      expect(o.statusCode, o.body).toBe(201);

      // Two officers scoped to one committee each: the case's, and another.
      const linked = await db.selectFrom('cases').select(['committee_id', 'number']).where('id', '=', ec.caseId).executeTakeFirstOrThrow();
      expect(linked.committee_id).not.toBeNull();
      const enforcer1 = await hq.userId('enforcer1');
      const like = { userId: enforcer1, subdistrictId: hq.subdistrictId, committeeId: linked.committee_id as string, at: ctx.clock.now() };
      const officer = await usersScopedToCommittees(db, like, 'enf');

      ctx.clock.set('2026-08-04T12:30:00+08:00');
      expect(await dispatchDueReinspections(db, ctx.clock)).toBe(1);
      const heard = async (userId: string) =>
        (await db.selectFrom('inbox_items as i').innerJoin('notifications as n', 'n.id', 'i.notification_id').select('n.kind').where('i.user_id', '=', userId).where('n.case_id', '=', ec.caseId).execute()).map((x) => x.kind);
      expect(await heard(enforcer1)).toContain('enforcement_reinspection');
      expect(await heard(officer.own)).toContain('enforcement_reinspection');
      expect(await heard(officer.other)).not.toContain('enforcement_reinspection');

      const read = async (lang: string) =>
        ((await ctx.app.inject({ method: 'GET', url: `/api/inbox?lang=${lang}`, headers: { cookie: await signInAs(ctx.app, 'enforcer1') } })).json().items as { kind: string; title: string; body: string; caseId: string }[])
          .find((i) => i.kind === 'enforcement_reinspection' && i.caseId === ec.caseId)!;
      expect(await read('en')).toMatchObject({ title: `Re-inspection: ${site.name}`, body: `The period to comply ended 2026-08-04 12:00; re-inspect by ${(await read('en')).body.match(/by (\S+ \S+) \(/)![1]} (case ${linked.number}).` });
      expect((await read('zh')).title).toBe(`复查派单：${site.name}`);
      expect((await read('zh')).body).toMatch(/^整改期限2026年8月4日12时00分已到，请于.+前复查（案件.+）。$/);
    });
  });
}
