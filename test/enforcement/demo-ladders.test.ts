import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiDate, shanghaiMidnight } from '../../src/domain/calendar/office-hours.js';
import { packageIsWorkday } from '../../src/domain/calendar/working-days.js';
import { verifyChain } from '../../src/domain/cases/verify-chain.js';
import { seedDemoEnforcement } from '../../src/domain/demo/seed-demo-enforcement.js';
import { nextWorkingDay } from '../../src/domain/enforcement/periods.js';
import { filesFor } from '../../src/domain/storage/index.js';
import { enforcementReinspectionsPoller } from '../../src/jobs/enforcement-reinspections.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';

for (const dialect of DIALECTS) {
  describe(`the demo's enforcement ladders [${dialect}]`, () => {
    let ctx: TestContext;
    beforeAll(async () => {
      ctx = await demoContext(dialect);
    });
    afterAll(async () => ctx?.close());

    it('seeded on a Friday, before a week of holidays or the morning after one, its deadlines fall on working days', async () => {
      const db = ctx.handle.db;
      const ROLLBACK = new Error('rollback');
      // A Friday; the eve of National Day (1–7 October 2026); the first working day after it, before office hours.
      for (const now of ['2026-05-29T11:00:00+08:00', '2026-09-30T11:00:00+08:00', '2026-10-08T09:00:00+08:00']) {
        await db.transaction().execute(async (trx) => {
          expect(await seedDemoEnforcement(trx, filesFor(ctx.deps.config), new Date(now)), now).toBe(2);
          const steps = await trx.selectFrom('enforcement_steps').select(['kind', 'at', 'deadline_at']).where('kind', 'in', ['order', 'notice']).execute();
          expect(steps.length, now).toBe(3);
          for (const st of steps) {
            expect(packageIsWorkday(shanghaiDate(Date.parse(st.deadline_at!))), `${now}: ${st.kind} due ${st.deadline_at}`).toBe(true);
            expect(Date.parse(st.at)).toBeLessThanOrEqual(Date.parse(now));
          }
          throw ROLLBACK;
        }).catch((e: unknown) => { if (e !== ROLLBACK) throw e; });
      }
    });

    it('takes two shops up the ladder through the officers\' own steps: a notice and an order due on the next working day, with their documents', async () => {
      const db = ctx.handle.db;
      expect(await seedDemoEnforcement(db, filesFor(ctx.deps.config), ctx.clock.now())).toBe(2);
      const enforcer = await signInAs(ctx.app, 'enforcer1');
      const desk = await ctx.app.inject({ method: 'GET', url: '/api/enforcement/cases?view=open', headers: { cookie: enforcer } });
      expect(desk.statusCode, desk.body).toBe(200);
      const ladders = desk.json().items as { id: string; stage: string; deadlineAt: string }[];
      expect(ladders.map((l) => l.stage).sort()).toEqual(['noticed', 'ordered']);
      // Due on the next working day: a period cannot end on a rest day.
      const dueOn = nextWorkingDay(shanghaiDate(ctx.clock.now()), packageIsWorkday);
      for (const l of ladders) {
        expect(Date.parse(l.deadlineAt)).toBeGreaterThan(ctx.clock.now().getTime());
        expect(shanghaiDate(Date.parse(l.deadlineAt))).toBe(dueOn);
        const detail = (await ctx.app.inject({ method: 'GET', url: `/api/enforcement/cases/${l.id}`, headers: { cookie: enforcer } })).json();
        expect(detail.documents.length).toBe(l.stage === 'noticed' ? 2 : 1);
        const pdf = await ctx.app.inject({ method: 'GET', url: `/api/enforcement/documents/${detail.documents[0].id}/pdf`, headers: { cookie: enforcer } });
        expect(pdf.statusCode).toBe(200);
        expect(pdf.headers['content-type']).toBe('application/pdf');
      }
      // Each step is on the case's hash chain like any other.
      const sub = (await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow()).id;
      expect((await verifyChain(db, sub)).ok).toBe(true);

      // The day after that working day both deadlines have passed: the platform dispatches both
      // re-inspections, listed the earliest due first, a page at a time.
      ctx.clock.set(new Date(shanghaiMidnight(addDays(dueOn, 1)) + 10.5 * 3600_000));
      expect(await enforcementReinspectionsPoller({ db, config: ctx.deps.config, clock: ctx.clock }).runOnce()).toBe(2);
      const officer = await signInAs(ctx.app, 'enforcer1');
      const dueUrl = '/api/enforcement/reinspections/due-today';
      const whole = (await ctx.app.inject({ method: 'GET', url: dueUrl, headers: { cookie: officer } })).json();
      expect(whole.items.map((d: { enforcementCaseId: string }) => d.enforcementCaseId).sort()).toEqual(ladders.map((l) => l.id).sort());
      expect(whole.nextCursor).toBeNull();
      const dues = whole.items.map((d: { dueAt: string }) => d.dueAt);
      expect([...dues].sort()).toEqual(dues);
      const first = (await ctx.app.inject({ method: 'GET', url: `${dueUrl}?limit=1`, headers: { cookie: officer } })).json();
      expect(first.items).toEqual(whole.items.slice(0, 1));
      const rest = (await ctx.app.inject({ method: 'GET', url: `${dueUrl}?limit=1&after=${first.nextCursor}`, headers: { cookie: officer } })).json();
      expect(rest).toEqual({ items: whole.items.slice(1), nextCursor: null });
    });
  });
}
