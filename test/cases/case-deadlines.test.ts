import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeDueAt } from '../../src/domain/calendar/deadlines.js';
import { verifyChain } from '../../src/domain/cases/verify-chain.js';
import type { Actor } from '../../src/domain/auth/actor.js';
import { newId } from '../../src/domain/shared/ids.js';
import { caseDeadlinesPoller } from '../../src/jobs/case-deadlines.js';
import { DIALECTS } from '../helpers/db.js';
import { type CaseFixture, caseFixture } from './fixtures.js';

const actorsSubdistrict = (a: Actor) => a.subdistrictId as string;

for (const dialect of DIALECTS) {
  describe(`case deadline job [${dialect}]`, () => {
    let f: CaseFixture;
    beforeAll(async () => {
      f = await caseFixture(dialect);
    });
    afterAll(async () => f.ctx.close());

    const db = () => f.ctx.handle.db;
    const job = () => caseDeadlinesPoller({ db: db(), config: f.ctx.deps.config, clock: f.ctx.clock, logger: { error: (e) => { throw e; } } });
    const inbox = async (username: string, kind: string, caseId: string) =>
      (await db()
        .selectFrom('inbox_items as i')
        .innerJoin('notifications as n', 'n.id', 'i.notification_id')
        .innerJoin('users as u', 'u.id', 'i.user_id')
        .select('n.kind')
        .where('u.username', '=', username)
        .where('n.kind', '=', kind)
        .where('n.case_id', '=', caseId)
        .execute()).length;
    const row = (id: string) => db().selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    it('reminds before an urgent calendar-hour deadline, marks it overdue and escalates, each exactly once', async () => {
      f.ctx.clock.set('2026-05-26T14:00:00Z'); // 22:00 in Shanghai: an overflow counts around the clock
      const c = await f.report(f.actors.patrol1, { categoryId: f.categories.A0101, description: '湿垃圾桶满溢' });
      expect(c.stageDueAt).toBe('2026-05-26T14:30:00.000Z');
      const r = await row(c.id);
      expect(r.remind_at).toBe('2026-05-26T14:22:30.000Z'); // a quarter of the 30-minute limit before
      f.ctx.clock.set('2026-05-26T14:20:00Z');
      expect(await job().runOnce()).toBe(0);
      f.ctx.clock.set('2026-05-26T14:23:00Z');
      expect(await job().runOnce()).toBe(1);
      expect(await job().runOnce()).toBe(0);
      expect(await inbox('operator', 'case_due_soon', c.id)).toBe(1);
      f.ctx.clock.set('2026-05-26T14:31:00Z');
      const poller = job();
      expect(await poller.runOnce()).toBe(1);
      // A restart (a new poller over the same database) fires nothing again.
      expect(await poller.runOnce()).toBe(0);
      expect(await job().runOnce()).toBe(0);
      const after = await row(c.id);
      // The overdue mark (an event) is a new version, the reminder not: a desk step that read the case before the mark is stale.
      expect(after).toMatchObject({ overdue_at: '2026-05-26T14:31:00.000Z', overdue_count: 1, status: 'reported', version: 2 });
      expect(await inbox('operator', 'case_overdue', c.id)).toBe(1);
      const events = await db().selectFrom('case_events').select(['action', 'actor_role', 'actor_user_id']).where('case_id', '=', c.id).orderBy('seq').execute();
      expect(events.at(-1)).toEqual({ action: 'overdue', actor_role: 'system', actor_user_id: null });
      expect((await verifyChain(db(), f.hq)).ok).toBe(true);
      // Filing starts a fresh stage: the overdue mark is cleared and the dispatch deadline runs.
      await expect(f.act(f.actors.operator, c.id, { action: 'file', version: 1 })).rejects.toMatchObject({ code: 'stale_version' });
      const filed = await f.act(f.actors.operator, c.id, { action: 'file', version: after.version });
      expect(filed.overdueAt).toBeNull();
      expect(filed.overdueCount).toBe(1);
    });

    it('carries a working-hour deadline across the National Day holiday to the make-up Saturday', async () => {
      f.ctx.clock.set('2026-09-30T07:00:00Z'); // Wed 30 Sep, 15:00 in Shanghai
      let c = await f.report(f.actors.patrol1, { categoryId: f.categories.A0401, description: '可回收物桶缺失' });
      c = await f.act(f.actors.operator, c.id, { action: 'file', version: 1 });
      c = await f.act(f.actors.operator, c.id, { action: 'dispatch', version: 2, unitId: f.units.handler1 });
      // 24 working hours: 2.5 h on 30 Sep, Oct 1–7 off, 8 h on Thu 8 and Fri 9 Oct, then 5.5 h on Sat 10 Oct (调休 workday).
      expect(c.stageDueAt).toBe('2026-10-10T07:00:00.000Z');
      expect((await computeDueAt(db(), new Date('2026-09-30T07:00:00Z'), 24, 'working')).toISOString()).toBe(c.stageDueAt);
      // Other cases of this database fall due meanwhile; count only this one's notices.
      f.ctx.clock.set('2026-10-05T02:00:00Z');
      await job().runOnce();
      expect(await inbox('handler1', 'case_due_soon', c.id)).toBe(0);
      expect((await row(c.id)).overdue_at).toBeNull();
      f.ctx.clock.set('2026-10-10T05:30:00Z');
      await job().runOnce();
      expect(await inbox('handler1', 'case_due_soon', c.id)).toBe(1);
      expect((await row(c.id)).overdue_at).toBeNull();
      f.ctx.clock.set('2026-10-10T07:00:01Z');
      await job().runOnce();
      await job().runOnce();
      expect(await inbox('handler1', 'case_due_soon', c.id)).toBe(1);
      expect((await row(c.id)).overdue_at).toBe('2026-10-10T07:00:01.000Z');
      expect(await inbox('handler1', 'case_overdue_assignee', c.id)).toBe(1);
      expect(await inbox('operator', 'case_overdue', c.id)).toBe(1);
      // Handling late is recorded as not on time.
      const handled = await f.act(f.actors.handler1, c.id, { action: 'handle', version: (await row(c.id)).version, note: '已补桶', photoIds: [await f.photo(f.actors.handler1)] });
      expect(handled.handledOnTime).toBe(false);
    });

    it('does not double-fire when two pollers race on the same case', async () => {
      f.ctx.clock.set('2026-05-27T14:00:00Z');
      const c = await f.report(f.actors.patrol1, { categoryId: f.categories.A0102, description: '干垃圾桶满溢' });
      f.ctx.clock.set('2026-05-27T15:00:00Z');
      const [a, b] = await Promise.all([job().runOnce(), job().runOnce()]);
      expect(a + b).toBeGreaterThanOrEqual(1);
      const events = await db().selectFrom('case_events').select('action').where('case_id', '=', c.id).where('action', '=', 'overdue').execute();
      expect(events.length).toBe(1);
      expect(await inbox('operator', 'case_overdue', c.id)).toBe(1);
    });

    it("a transition's deadline counts the calendar it reads with the case: global and own-subdistrict overrides, not another subdistrict's", async () => {
      const xx = actorsSubdistrict(f.actors.xxOperator);
      const at = '2026-06-01T01:00:00Z'; // Mon 1 June, 09:00 in Shanghai
      const override = (date: string, subdistrictId: string | null) => ({
        id: newId(), subdistrict_id: subdistrictId, date, kind: 'holiday' as const, note: '测试', created_by: null, created_at: at, updated_at: at,
      });
      await db().insertInto('calendar_overrides').values([override('2026-06-02', null), override('2026-06-03', f.hq), override('2026-06-04', xx), override('2026-06-05', xx)]).execute();
      f.ctx.clock.set(at);
      let c = await f.report(f.actors.patrol1, { categoryId: f.categories.A0401, description: '可回收物桶缺失' });
      c = await f.act(f.actors.operator, c.id, { action: 'file', version: 1 });
      c = await f.act(f.actors.operator, c.id, { action: 'dispatch', version: 2, unitId: f.units.handler1 });
      const from = new Date(at);
      const hours = Number((await db().selectFrom('case_categories').select('handle_hours').where('id', '=', f.categories.A0401 as string).executeTakeFirstOrThrow()).handle_hours);
      const own = (await computeDueAt(db(), from, hours, 'working', { subdistrictId: f.hq })).toISOString();
      expect(c.stageDueAt).toBe(own);
      // Each override moves it: without Hongqiao's own holiday, or with Xianxia's as well, it would differ.
      expect((await computeDueAt(db(), from, hours, 'working')).toISOString()).not.toBe(own);
      expect((await computeDueAt(db(), from, hours, 'working', { subdistrictId: xx })).toISOString()).not.toBe(own);
    });

    it("a report's first deadline at a site counts the calendar it reads with the site: global and own-subdistrict overrides, not another subdistrict's", async () => {
      const xx = actorsSubdistrict(f.actors.xxOperator);
      const at = '2026-06-08T09:00:00Z'; // Mon 8 June, 17:00 in Shanghai: the 立案 limit runs into the next days
      const override = (date: string, subdistrictId: string | null) => ({
        id: newId(), subdistrict_id: subdistrictId, date, kind: 'holiday' as const, note: '测试', created_by: null, created_at: at, updated_at: at,
      });
      await db().insertInto('calendar_overrides').values([override('2026-06-09', null), override('2026-06-10', f.hq), override('2026-06-11', xx), override('2026-06-12', xx)]).execute();
      f.ctx.clock.set(at);
      const c = await f.report(f.actors.patrol1, { categoryId: f.categories.A0401, description: '可回收物桶缺失' });
      const from = new Date(at);
      const hours = Number((await db().selectFrom('case_categories').select('file_hours').where('id', '=', f.categories.A0401 as string).executeTakeFirstOrThrow()).file_hours);
      const own = (await computeDueAt(db(), from, hours, 'working', { subdistrictId: f.hq })).toISOString();
      expect(c.stageDueAt).toBe(own);
      expect((await computeDueAt(db(), from, hours, 'working')).toISOString()).not.toBe(own);
      expect((await computeDueAt(db(), from, hours, 'working', { subdistrictId: xx })).toISOString()).not.toBe(own);
    });
  });
}
