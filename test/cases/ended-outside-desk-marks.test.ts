import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { up as clearEndedMarks } from '../../src/db/migrations/2026-12-08T0900-ended-cases-stage-marks.js';
import { SYSTEM_ACTOR } from '../../src/domain/cases/events.js';
import { FINAL_STATUSES } from '../../src/domain/cases/lifecycle.js';
import { listCases, queueCounts } from '../../src/domain/cases/list-cases.js';
import { endCaseOutsideDesk } from '../../src/domain/cases/system-close.js';
import { caseDeadlinesPoller } from '../../src/jobs/case-deadlines.js';
import { DIALECTS } from '../helpers/db.js';
import { type CaseFixture, caseFixture } from './fixtures.js';

const MARKS = ['remind_at', 'reminded_key', 'overdue_at', 'escalated_key', 'stage_due_at', 'stage_started_at'] as const;

for (const dialect of DIALECTS) {
  describe(`a case ended outside the desk leaves the 超期 queue [${dialect}]`, () => {
    let f: CaseFixture;
    beforeAll(async () => {
      f = await caseFixture(dialect);
    });
    afterAll(async () => f.ctx.close());

    const db = () => f.ctx.handle.db;
    const row = (id: string) => db().selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const overdueIds = async () => (await listCases(db(), f.actors.operator, { queue: 'overdue' }, { limit: 500 }, f.ctx.clock.now())).items.map((c) => c.id);
    const overdueCount = async () => (await queueCounts(db(), f.actors.operator, f.ctx.clock.now())).overdue!.count;

    /** A case reported, reminded and marked overdue (and escalated) by the deadline job. */
    const overdueCase = async () => {
      f.ctx.clock.set('2026-05-26T14:00:00Z'); // an urgent overflow: 30 calendar minutes
      const c = await f.report(f.actors.patrol1, { categoryId: f.categories.A0101, description: '湿垃圾桶满溢' });
      const job = caseDeadlinesPoller({ db: db(), config: f.ctx.deps.config, clock: f.ctx.clock, logger: { error: (e) => { throw e; } } });
      f.ctx.clock.set('2026-05-26T14:23:00Z');
      await job.runOnce();
      f.ctx.clock.set('2026-05-26T14:31:00Z');
      await job.runOnce();
      const r = await row(c.id);
      expect(r.overdue_at).not.toBeNull();
      expect(r.escalated_key).not.toBeNull();
      expect(r.reminded_key).not.toBeNull();
      return c.id;
    };

    for (const to of ['closed', 'cancelled'] as const) {
      it(`${to}: every mark of the stage is cleared, overdue_count kept, and the overdue queue and its count drop it`, async () => {
        const id = await overdueCase();
        expect(await overdueIds()).toContain(id);
        const before = await overdueCount();
        f.ctx.clock.set('2026-05-26T15:00:00Z');
        await db().transaction().execute((trx) =>
          endCaseOutsideDesk(trx, f.ctx.clock, id, { actor: SYSTEM_ACTOR, action: to === 'closed' ? 'terminal_recovered' : 'appeal_upheld', reason: 'settled', to }));
        const r = await row(id);
        expect(r.status).toBe(to);
        for (const m of MARKS) expect([m, r[m]]).toEqual([m, null]);
        expect(r.overdue_count).toBe(1);
        expect(await overdueIds()).not.toContain(id);
        expect(await overdueCount()).toBe(before - 1);
      });
    }

    it('the overdue queue lists open cases only, whatever marks an ended case still carries; the migration clears them on every final case only', async () => {
      const open = await overdueCase();
      const ended: string[] = [];
      for (const status of FINAL_STATUSES) {
        const id = await overdueCase();
        // As rows ended before the fix were left: a final status with the stage's marks kept.
        await db().updateTable('cases').set({ status, closed_at: status === 'closed' ? '2026-05-26T15:00:00.000Z' : null }).where('id', '=', id).execute();
        ended.push(id);
      }
      const listed = await overdueIds();
      expect(listed).toContain(open);
      for (const id of ended) expect(listed).not.toContain(id);

      await clearEndedMarks(db());
      for (const id of ended) {
        const r = await row(id);
        expect([r.overdue_at, r.escalated_key, r.reminded_key, r.remind_at]).toEqual([null, null, null, null]);
        expect(r.overdue_count).toBe(1);
      }
      const o = await row(open);
      expect(o.overdue_at).not.toBeNull();
      expect(o.escalated_key).not.toBeNull();
    });
  });
}
