import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remainingLimitMs } from '../../src/domain/calendar/deadlines.js';
import { deleteOverride, importYearSchedule, putOverride } from '../../src/domain/calendar/overrides.js';
import { isWorkingDay, loadOverrides } from '../../src/domain/calendar/working-days.js';
import { addDays } from '../../src/domain/calendar/office-hours.js';
import { sweepCaseDeadlines } from '../../src/domain/cases/deadline-sweep.js';
import { verifyChain } from '../../src/domain/cases/verify-chain.js';
import { DomainError } from '../../src/domain/shared/errors.js';
import { DIALECTS } from '../helpers/db.js';
import { type CaseFixture, caseFixture } from './fixtures.js';

// Running deadlines follow the calendar (DOMAIN.md §4): a calendar change keeps, for every open
// working-time stage, exactly the working time it had left, counted on the new calendar.
for (const dialect of DIALECTS) {
  describe(`calendar changes re-time open deadlines [${dialect}]`, () => {
    let f: CaseFixture;
    const START = '2026-05-26T02:30:00Z'; // Tuesday 10:30 Shanghai

    beforeAll(async () => {
      f = await caseFixture(dialect);
    }, 120_000);
    afterAll(async () => f.ctx.close());

    const db = () => f.ctx.handle.db;
    const dispatched = async (category = 'A0301') => {
      const a = f.actors;
      let c = await f.report(a.patrol1, { categoryId: f.categories[category] });
      c = await f.act(a.operator, c.id, { action: 'file', version: c.version });
      c = await f.act(a.operator, c.id, { action: 'dispatch', version: c.version, unitId: f.units.handler1 });
      return c;
    };
    const row = (id: string) => db().selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const events = (id: string) => db().selectFrom('case_events').selectAll().where('case_id', '=', id).orderBy('seq').execute();

    it('a holiday inside a running limit moves its due time by the working time it removes, with an event', async () => {
      f.ctx.clock.set(START);
      const c = await dispatched();
      // 8 working hours from Tue 10:30: Tue 10:30–12:00 and 13:00–17:30 (6 h), Wed 08:30–10:30 (2 h).
      expect((await row(c.id)).stage_due_at).toBe('2026-05-27T02:30:00.000Z');
      const calendarCase = await dispatched('A0101'); // urgent bins: calendar hours, never moved
      const calendarDue = (await row(calendarCase.id)).stage_due_at;

      const put = await db().transaction().execute((trx) => putOverride(trx, f.ctx.clock, f.actors.admin, { date: '2026-05-27', kind: 'holiday', note: '台风停工', subdistrictId: f.hq }));
      // Wednesday's two hours move to Thursday 08:30–10:30.
      const after = await row(c.id);
      expect(after.stage_due_at).toBe('2026-05-28T02:30:00.000Z');
      expect(after.handle_due_at).toBe('2026-05-28T02:30:00.000Z');
      expect(put.retimed.cases.map((m) => m.caseId)).toContain(c.id);
      expect(put.retimed.cases.find((m) => m.caseId === c.id)).toMatchObject({ dueBefore: '2026-05-27T02:30:00.000Z', dueAfter: '2026-05-28T02:30:00.000Z' });
      expect((await row(calendarCase.id)).stage_due_at).toBe(calendarDue);
      // A desk step that read the case before the change cannot write the old deadline back.
      expect(after.version).toBe(c.version + 1);
      const stale = await f.act(f.actors.handler1, c.id, { action: 'request_hold', version: c.version, reason: '需业委会决议' }).then(() => null, (e: { code?: string }) => e.code);
      expect(stale).toBe('stale_version');
      const ev = (await events(c.id)).at(-1)!;
      expect(ev).toMatchObject({ action: 'retime', actor_role: 'system', from_status: 'dispatched', to_status: 'dispatched' });
      expect(JSON.parse(ev.changes).stage_due_at).toEqual(['2026-05-27T02:30:00.000Z', '2026-05-28T02:30:00.000Z']);
      expect(ev.note).toContain('2026-05-27');

      // Removing the override gives the time back, again with an event.
      const back = await db().transaction().execute((trx) => deleteOverride(trx, f.ctx.clock, f.actors.admin, put.id));
      expect(back.retimed.moved).toBeGreaterThanOrEqual(1);
      expect((await row(c.id)).stage_due_at).toBe('2026-05-27T02:30:00.000Z');
      expect((await events(c.id)).filter((e) => e.action === 'retime')).toHaveLength(2);
      expect((await verifyChain(db(), f.hq)).ok).toBe(true);
    });

    it('leaves paused clocks and overdue stages alone', async () => {
      f.ctx.clock.set(START);
      const a = f.actors;
      let held = await dispatched();
      held = await f.act(a.handler1, held.id, { action: 'request_hold', version: held.version, reason: '需业委会决议' });
      held = await f.act(a.operator, held.id, { action: 'approve_hold', version: held.version });
      const heldBefore = await row(held.id);
      const late = await dispatched();
      f.ctx.clock.set('2026-05-27T03:00:00Z'); // Wed 11:00: past the 10:30 due
      await sweepCaseDeadlines(db(), f.ctx.clock);
      const lateBefore = await row(late.id);
      expect(lateBefore.overdue_at).not.toBeNull();
      const put = await db().transaction().execute((trx) => putOverride(trx, f.ctx.clock, a.admin, { date: '2026-05-28', kind: 'holiday', subdistrictId: f.hq }));
      expect(put.retimed.cases.map((m) => m.caseId)).not.toContain(late.id);
      expect(await row(late.id)).toMatchObject({ stage_due_at: lateBefore.stage_due_at });
      expect(await row(held.id)).toMatchObject({ held_remaining_ms: heldBefore.held_remaining_ms, stage_due_at: null });
      await db().transaction().execute((trx) => deleteOverride(trx, f.ctx.clock, a.admin, put.id));
    });

    it('re-times an overdue stage given an extension as any running limit, and it stays overdue once', async () => {
      f.ctx.clock.set(START);
      const a = f.actors;
      let c = await dispatched();
      f.ctx.clock.set('2026-05-27T02:00:00Z'); // Wed 10:00: asked for within the 10:30 limit
      c = await f.act(a.handler1, c.id, { action: 'request_extension', version: (await row(c.id)).version, reason: '缺配件', dueAt: '2026-05-29T10:30:00+08:00' });
      f.ctx.clock.set('2026-05-27T03:00:00Z'); // Wed 11:00: past it, marked before the desk approves
      await sweepCaseDeadlines(db(), f.ctx.clock);
      c = await f.act(a.operator, c.id, { action: 'approve_extension', version: (await row(c.id)).version });
      const extended = await row(c.id);
      expect(extended).toMatchObject({ stage_due_at: '2026-05-29T02:30:00.000Z', overdue_count: 1 });
      expect(extended.overdue_at).not.toBeNull();
      const now = f.ctx.clock.now();
      const left = await remainingLimitMs(db(), now, new Date(extended.stage_due_at!), 'working', { subdistrictId: f.hq });
      const put = await db().transaction().execute((trx) => putOverride(trx, f.ctx.clock, a.admin, { date: '2026-05-28', kind: 'holiday', subdistrictId: f.hq }));
      // The extended due time runs into the new holiday: it keeps the working time it had left, with an event.
      expect(put.retimed.cases.map((m) => m.caseId)).toContain(c.id);
      const after = await row(c.id);
      expect(after.stage_due_at).not.toBe(extended.stage_due_at);
      expect(after.handle_due_at).toBe(after.stage_due_at);
      expect(await remainingLimitMs(db(), now, new Date(after.stage_due_at!), 'working', { subdistrictId: f.hq })).toBe(left);
      expect((await events(c.id)).filter((e) => e.action === 'retime')).toHaveLength(1);
      // ... and it is still the stage that was late once: its mark stays, nothing counts it again.
      expect(after).toMatchObject({ overdue_at: extended.overdue_at, overdue_count: 1 });
      f.ctx.clock.set(new Date(Date.parse(after.stage_due_at!) + 60_000));
      await sweepCaseDeadlines(db(), f.ctx.clock);
      expect(await row(c.id)).toMatchObject({ overdue_count: 1 });
      await db().transaction().execute((trx) => deleteOverride(trx, f.ctx.clock, a.admin, put.id));
      await f.act(a.handler1, c.id, { action: 'handle', version: (await row(c.id)).version, note: '已整改', photoIds: [await f.photo(a.handler1)] });
    });

    it('any change keeps exactly the working time each open stage had left (property)', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ offset: fc.integer({ min: 0, max: 12 }), kind: fc.constantFrom('holiday' as const, 'workday' as const) }), { minLength: 1, maxLength: 3 }),
          fc.integer({ min: 0, max: 40 }),
          async (changes, hourShift) => {
            f.ctx.clock.set(new Date(Date.parse('2026-06-01T01:00:00Z') + hourShift * 3600_000));
            const c = await dispatched();
            const now = f.ctx.clock.now();
            const before = await row(c.id);
            const left = await remainingLimitMs(db(), now, new Date(before.stage_due_at!), 'working', { subdistrictId: f.hq });
            const ids: string[] = [];
            for (const ch of changes) {
              const date = addDays('2026-06-01', ch.offset);
              const put = await db().transaction().execute((trx) => putOverride(trx, f.ctx.clock, f.actors.admin, { date, kind: ch.kind, subdistrictId: f.hq }));
              ids.push(put.id);
            }
            const after = await row(c.id);
            expect(await remainingLimitMs(db(), now, new Date(after.stage_due_at!), 'working', { subdistrictId: f.hq })).toBe(left);
            for (const id of [...new Set(ids)]) await db().transaction().execute((trx) => deleteOverride(trx, f.ctx.clock, f.actors.admin, id));
            expect((await row(c.id)).stage_due_at).toBe(before.stage_due_at);
            // Close the case's stage so it does not weigh on the next run.
            await f.act(f.actors.handler1, c.id, { action: 'handle', version: (await row(c.id)).version, note: '已整改', photoIds: [await f.photo(f.actors.handler1)] });
          },
        ),
        { numRuns: 8 },
      );
      expect((await verifyChain(db(), f.hq)).ok).toBe(true);
    });

    it("a year's schedule: preview shows exactly what applying does and writes nothing; applying makes the year the schedule", async () => {
      f.ctx.clock.set('2027-01-28T01:00:00Z'); // Thu 09:00 Shanghai, 2027 (a year the bundled calendar may not know)
      const c = await dispatched();
      const dueBefore = (await row(c.id)).stage_due_at;
      const schedule = '# 2027年部分节假日安排\n2027-01-01..2027-01-03 休 元旦\n2027-01-29 休 测试\n2027-02-06..2027-02-12 休 春节\n2027-02-14 班 春节调休\n';
      const countOverrides = async () => Number((await db().selectFrom('calendar_overrides').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
      // A row of the year before (late December) is not the 2027 schedule's to replace.
      const december = await db().transaction().execute((trx) => putOverride(trx, f.ctx.clock, f.actors.admin, { date: '2026-12-28', kind: 'holiday', note: '2026年安排', subdistrictId: f.hq }));
      const overridesBefore = await countOverrides();
      const eventsBefore = (await events(c.id)).length;
      const preview = await importYearSchedule(db(), f.ctx.clock, f.actors.admin, { year: 2027, schedule, subdistrictId: f.hq, preview: true });
      expect(preview).toMatchObject({ applied: false, listed: 12, holidays: 11, workdays: 1 });
      expect(preview.retimed.cases.map((m) => m.caseId)).toContain(c.id);
      expect(await countOverrides()).toBe(overridesBefore);
      expect((await row(c.id)).stage_due_at).toBe(dueBefore);
      expect((await events(c.id)).length).toBe(eventsBefore);

      const applied = await importYearSchedule(db(), f.ctx.clock, f.actors.admin, { year: 2027, schedule, subdistrictId: f.hq });
      expect({ ...applied, applied: false }).toEqual(preview);
      // Thu 09:00 + 8 working hours: Thu's 7.5 h, then Fri 29th is a holiday → Mon Feb 1st 09:00.
      expect((await row(c.id)).stage_due_at).toBe('2027-02-01T01:00:00.000Z');
      const o = await loadOverrides(db(), '2027-01-01', '2027-12-31', f.hq);
      for (let d = '2027-01-01'; d <= '2027-12-31'; d = addDays(d, 1)) {
        const w = new Date(`${d}T00:00:00Z`).getUTCDay();
        const listed = schedule.includes(d) || (d >= '2027-01-01' && d <= '2027-01-03') || (d >= '2027-02-06' && d <= '2027-02-12');
        const expected = d === '2027-02-14' ? true : listed ? false : w !== 0 && w !== 6;
        expect(isWorkingDay(d, o), d).toBe(expected);
      }
      expect(await db().selectFrom('calendar_overrides').select('id').where('id', '=', december.id).executeTakeFirst()).toBeDefined();
      // Importing again replaces the year's rows rather than adding to them.
      const again = await importYearSchedule(db(), f.ctx.clock, f.actors.admin, { year: 2027, schedule, subdistrictId: f.hq });
      expect(again.replaced).toBe(applied.written);
      expect(again.retimed.moved).toBe(0);
    });

    it('refuses a bad schedule naming the line and the reason, and writes nothing', async () => {
      const bad = async (schedule: string) => {
        try {
          await importYearSchedule(db(), f.ctx.clock, f.actors.admin, { year: 2027, schedule, subdistrictId: f.hq });
        } catch (e) {
          expect(e).toBeInstanceOf(DomainError);
          return (e as DomainError).details;
        }
        throw new Error('accepted');
      };
      expect(JSON.stringify(await bad('2027-01-01 休\n2027-13-01 休'))).toContain('line 2');
      expect(JSON.stringify(await bad('2028-01-05 休'))).toContain('outside the 2027 schedule');
      expect(JSON.stringify(await bad('2027-01-05 放假'))).toContain('休 (holiday) or 班 (workday)');
      expect(JSON.stringify(await bad('2027-01-05 休\n2027-01-05 班'))).toContain('both a holiday and a workday');
      expect(JSON.stringify(await bad('# only a comment'))).toContain('no day');
      await expect(importYearSchedule(db(), f.ctx.clock, f.actors.cadre01, { year: 2027, schedule: '2027-01-05 休', subdistrictId: f.hq })).rejects.toThrow();
    });
  });
}
