import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openContext } from '../../src/cli/context.js';
import { addDays, shanghaiDate } from '../../src/domain/calendar/office-hours.js';
import { PACKAGE_YEARS, packageArrangement, syncPackageCalendar } from '../../src/domain/calendar/package-sync.js';
import { packageIsWorkday } from '../../src/domain/calendar/working-days.js';
import { verifyChain } from '../../src/domain/cases/verify-chain.js';
import { newId } from '../../src/domain/shared/ids.js';
import { DIALECTS, scratchCliDatabase } from '../helpers/db.js';
import { type CaseFixture, caseFixture } from './fixtures.js';

const weekend = (d: string) => [0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay());

describe('the calendar package arrangement', () => {
  it('lists exactly the days the package makes differ from plain Monday–Friday (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2019, max: 2027 }), fc.integer({ min: 0, max: 364 }), (year, offset) => {
        const day = addDays(`${year}-01-01`, offset);
        if (!day.startsWith(String(year))) return;
        const listed = new Set(packageArrangement(year));
        const working = packageIsWorkday(day);
        expect(listed.has(`${day}:workday`)).toBe(working && weekend(day));
        expect(listed.has(`${day}:holiday`)).toBe(!working && !weekend(day));
      }),
      { numRuns: 200 },
    );
  });
});

// A newer calendar package (chinese-days) is law-like data arriving with a release: the days it
// changes re-time the deadlines running over them as entering them by hand would (DOMAIN.md §4).
for (const dialect of DIALECTS) {
  describe(`a changed calendar package re-times running deadlines [${dialect}]`, () => {
    let f: CaseFixture;
    const START = '2026-05-26T02:30:00Z'; // Tuesday 10:30 Shanghai
    beforeAll(async () => {
      f = await caseFixture(dialect);
    }, 120_000);
    afterAll(async () => f.ctx.close());

    const db = () => f.ctx.handle.db;
    const row = (id: string) => db().selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    /** What the package said of 2026 when deadlines were computed: `extra` days on top of today's arrangement. */
    const recordOlder2026 = (extra: string[]) =>
      db().updateTable('calendar_package_years').set({ days: JSON.stringify([...packageArrangement(2026), ...extra]) }).where('year', '=', 2026).execute();

    it('records the years around today once; an unchanged package moves nothing', async () => {
      f.ctx.clock.set(START);
      const first = await syncPackageCalendar(db(), f.ctx.clock);
      expect(first.recorded.sort()).toEqual(PACKAGE_YEARS('2026-05-26'));
      expect(first.changed).toEqual([]);
      const again = await syncPackageCalendar(db(), f.ctx.clock);
      expect(again).toEqual({ recorded: [], changed: [], retimed: null, cancelledBookings: 0 });
    });

    it('a day the old package had off and the new one works: the deadline computed on the old gives back that day, with an event; a global override on a day decides it either way', async () => {
      f.ctx.clock.set(START);
      const a = f.actors;
      // The case is dispatched while the calendar has Wednesday off (as the older package had it).
      const old = { id: newId(), subdistrict_id: null, date: '2026-05-27', kind: 'holiday' as const, note: '', created_by: null, created_at: START, updated_at: START };
      await db().insertInto('calendar_overrides').values(old).execute();
      let c = await f.report(a.patrol1, { categoryId: f.categories.A0301 });
      c = await f.act(a.operator, c.id, { action: 'file', version: c.version });
      c = await f.act(a.operator, c.id, { action: 'dispatch', version: c.version, unitId: f.units.handler1 });
      // 8 working hours from Tue 10:30 over a Wednesday off: Thursday 10:30.
      expect((await row(c.id)).stage_due_at).toBe('2026-05-28T02:30:00.000Z');
      await db().deleteFrom('calendar_overrides').where('id', '=', old.id).execute();
      await recordOlder2026(['2026-05-27:holiday']);

      f.ctx.clock.set('2026-05-26T03:30:00Z'); // an hour later: 7 working hours left
      const sync = await syncPackageCalendar(db(), f.ctx.clock);
      expect(sync.changed).toEqual([{ date: '2026-05-27', kind: 'workday' }]);
      expect(sync.retimed?.cases.find((m) => m.caseId === c.id)).toMatchObject({ dueBefore: '2026-05-28T02:30:00.000Z', dueAfter: '2026-05-27T02:30:00.000Z' });
      const after = await row(c.id);
      expect(after.stage_due_at).toBe('2026-05-27T02:30:00.000Z');
      const ev = await db().selectFrom('case_events').selectAll().where('case_id', '=', c.id).where('action', '=', 'retime').executeTakeFirstOrThrow();
      expect(ev).toMatchObject({ actor_role: 'system' });
      expect(JSON.parse(ev.changes).stage_due_at).toEqual(['2026-05-28T02:30:00.000Z', '2026-05-27T02:30:00.000Z']);
      expect(ev.note).toContain('日历数据包更新2026年');
      expect((await verifyChain(db(), f.hq)).ok).toBe(true);
      // No measuring row is left behind; the new arrangement is recorded, so a second start moves nothing.
      expect(await db().selectFrom('calendar_overrides').select('id').where('date', '=', '2026-05-27').execute()).toEqual([]);
      expect(JSON.parse((await db().selectFrom('calendar_package_years').select('days').where('year', '=', 2026).executeTakeFirstOrThrow()).days)).toEqual(packageArrangement(2026));
      expect((await syncPackageCalendar(db(), f.ctx.clock)).changed).toEqual([]);
      const audit = await db().selectFrom('audit_log').selectAll().where('action', '=', 'calendar.package_update').execute();
      expect(audit).toHaveLength(1);
      expect(JSON.parse(audit[0]!.after_json!)).toMatchObject({ changed: [{ date: '2026-05-27', kind: 'workday' }] });

      // A day a global override decides is not a change: the override wins under either package.
      await db().insertInto('calendar_overrides').values({ ...old, id: newId(), date: '2026-05-28', kind: 'workday' }).execute();
      await recordOlder2026(['2026-05-28:holiday']);
      const decided = await syncPackageCalendar(db(), f.ctx.clock);
      expect(decided.changed).toEqual([]);
      expect((await row(c.id)).stage_due_at).toBe('2026-05-27T02:30:00.000Z');
      expect(JSON.parse((await db().selectFrom('calendar_package_years').select('days').where('year', '=', 2026).executeTakeFirstOrThrow()).days)).toEqual(packageArrangement(2026));
    });
  });

  describe(`a server's start-up brings the recorded arrangement up to the package [${dialect}]`, () => {
    it('openContext for serving records the years; a recorded older arrangement is synced at the next start', async () => {
      const scratch = await scratchCliDatabase(dialect);
      try {
        const first = await openContext({ serving: true });
        const years = (await first.handle.db.selectFrom('calendar_package_years').select('year').execute()).map((r) => Number(r.year)).sort();
        expect(years).toEqual(PACKAGE_YEARS(shanghaiDate(new Date())));
        const y = years[1]!;
        await first.handle.db.updateTable('calendar_package_years').set({ days: '[]' }).where('year', '=', y).execute();
        await first.destroy();
        const second = await openContext({ serving: true });
        const days = JSON.parse((await second.handle.db.selectFrom('calendar_package_years').select('days').where('year', '=', y).executeTakeFirstOrThrow()).days);
        expect(days).toEqual(packageArrangement(y));
        expect(days.length).toBeGreaterThan(5);
        await second.destroy();
      } finally {
        await scratch.release();
      }
    }, 60_000);
  });
}
