import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remainingLimitMs } from '../../src/domain/calendar/deadlines.js';
import { shanghaiDate } from '../../src/domain/calendar/office-hours.js';
import { verifyChain } from '../../src/domain/cases/verify-chain.js';
import { dispatchDueReinspections } from '../../src/domain/enforcement/clocks.js';
import { signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { enforcementContext, HQ_GPS, type hongqiao, ladderFromFailedInspection } from './helpers.js';

/**
 * The enforcement team's re-inspection task is due some working hours after the rectification
 * deadline: a running deadline like any other (DOMAIN.md §4), so a day the calendar changes inside
 * it re-times it — the task keeps the working time it had left — with an event saying before,
 * after and why; a task already done is left alone.
 */
for (const dialect of DIALECTS) {
  describe(`the re-inspection task follows the calendar [${dialect}]`, { timeout: 120_000 }, () => {
    let env: Awaited<ReturnType<typeof enforcementContext>>;
    let ctx: TestContext;
    let hq: Awaited<ReturnType<typeof hongqiao>>;
    let e2Id: string;

    beforeAll(async () => {
      env = await enforcementContext(dialect, 'closeloop-enf-task-');
      ({ ctx, hq, e2Id } = env);
      ctx.clock.set('2026-08-03T09:00:00+08:00'); // Monday
    });
    afterAll(async () => env?.close());

    it('a holiday entered inside an open task\'s time moves its due time by the working time it removes; removing it gives the time back; each with an event', async () => {
      const db = ctx.handle.db;
      const e1 = await signInAs(ctx.app, 'enforcer1');
      const { photo, ec } = await ladderFromFailedInspection(ctx, hq, e1, 210);
      const o = await ctx.app.inject({ method: 'POST', url: `/api/enforcement/cases/${ec.id}/steps`, headers: { cookie: e1 }, payload: {
        kind: 'order', version: 1, coOfficerId: e2Id, gps: HQ_GPS, photoIds: [photo], deadlineAt: '2026-08-04T12:00:00+08:00', deadlineReason: '约定次日中午前',
      } });
      expect(o.statusCode, o.body).toBe(201);
      ctx.clock.set('2026-08-04T12:30:00+08:00');
      expect(await dispatchDueReinspections(db, ctx.clock)).toBe(1);
      const admin = await signInAs(ctx.app, 'admin');
      const task = () => db.selectFrom('enforcement_tasks').selectAll().where('enforcement_case_id', '=', ec.id).executeTakeFirstOrThrow();
      const before = await task();
      const dueDay = shanghaiDate(new Date(before.due_at));
      expect(dueDay > '2026-08-04', 'the task runs into a later working day').toBe(true);
      const left = await remainingLimitMs(db, ctx.clock.now(), new Date(before.due_at), 'working', { subdistrictId: hq.subdistrictId });

      const put = await ctx.app.inject({ method: 'PUT', url: '/api/calendar/overrides', headers: { cookie: admin }, payload: { date: dueDay, kind: 'holiday', note: '台风停工', subdistrictId: hq.subdistrictId } });
      expect(put.statusCode, put.body).toBe(200);
      expect(put.json().retimed.enforcementTasks).toBe(1);
      const after = await task();
      expect(Date.parse(after.due_at)).toBeGreaterThan(Date.parse(before.due_at));
      // The same working time left, on the new calendar.
      expect(await remainingLimitMs(db, ctx.clock.now(), new Date(after.due_at), 'working', { subdistrictId: hq.subdistrictId })).toBe(left);
      const linked = (await db.selectFrom('enforcement_cases').select('case_id').where('id', '=', ec.id).executeTakeFirstOrThrow()).case_id;
      const events = () => db.selectFrom('case_events').selectAll().where('case_id', '=', linked).where('action', '=', 'enforcement_retime').orderBy('seq').execute();
      const [ev] = await events();
      expect(JSON.parse(ev!.changes).reinspectionDueAt).toEqual([new Date(before.due_at).toISOString(), new Date(after.due_at).toISOString()]);
      expect(ev!.note).toContain('复查任务时限');

      // Removing the holiday gives the time back.
      const del = await ctx.app.inject({ method: 'DELETE', url: `/api/calendar/overrides/${put.json().id}`, headers: { cookie: admin } });
      expect(del.statusCode, del.body).toBe(200);
      expect(new Date((await task()).due_at).toISOString()).toBe(new Date(before.due_at).toISOString());
      expect(await events()).toHaveLength(2);

      // A task done is not moved.
      await db.updateTable('enforcement_tasks').set({ status: 'done', done_at: ctx.clock.now().toISOString() }).where('enforcement_case_id', '=', ec.id).execute();
      const again = await ctx.app.inject({ method: 'PUT', url: '/api/calendar/overrides', headers: { cookie: admin }, payload: { date: dueDay, kind: 'holiday', note: '台风停工', subdistrictId: hq.subdistrictId } });
      expect(again.json().retimed.enforcementTasks).toBe(0);
      expect(new Date((await task()).due_at).toISOString()).toBe(new Date(before.due_at).toISOString());
      expect((await verifyChain(db, hq.subdistrictId)).ok).toBe(true);
    });
  });
}
