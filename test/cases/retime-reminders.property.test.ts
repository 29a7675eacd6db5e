import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteOverride, putOverride } from '../../src/domain/calendar/overrides.js';
import { sweepCaseDeadlines } from '../../src/domain/cases/deadline-sweep.js';
import { remindAtAfterMove, remindAtFor } from '../../src/domain/cases/stage-deadlines.js';
import { DIALECTS } from '../helpers/db.js';
import { type CaseFixture, caseFixture } from './fixtures.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const shanghaiDate = (t: number) => new Date(t + 8 * HOUR).toISOString().slice(0, 10);

describe('the reminder of a stage whose due time moved (rule)', () => {
  const started = new Date('2026-06-01T01:00:00Z');
  const now = new Date('2026-06-01T08:00:00Z');
  const warnedOf = '2026-06-01T09:30:00.000Z';
  const c = { status: 'dispatched' as const, stage_started_at: started.toISOString(), reminded_key: `dispatched:${warnedOf}` };

  it('property: warned once, a stage is warned again only when its due time moves earlier than the one warned of', () => {
    fc.assert(
      fc.property(fc.integer({ min: -3 * 24 * 60, max: 3 * 24 * 60 }), (moveMin) => {
        const due = new Date(Date.parse(warnedOf) + moveMin * MIN);
        const remind = remindAtAfterMove(c, due, now);
        if (moveMin >= 0) expect(remind).toBeNull();
        else expect(remind).toBe(remindAtFor(started, due).toISOString());
        // Not yet warned (or warned in another stage): the stage's reminder, as for any due time.
        expect(remindAtAfterMove({ ...c, reminded_key: null }, due, now)).toBe(remindAtFor(started, due).toISOString());
        expect(remindAtAfterMove({ ...c, reminded_key: `filed:${warnedOf}` }, due, now)).toBe(remindAtFor(started, due).toISOString());
      }),
    );
  });
});

// The calendar is law-like data (DOMAIN.md §4): entering holidays or make-up days re-times the
// deadlines already running. A stage gets one due-soon reminder: a re-time sends a second one only
// when it moves the due time earlier than the one already warned of.
for (const dialect of DIALECTS) {
  describe(`re-timed deadlines remind once a stage [${dialect}]`, () => {
    let f: CaseFixture;
    beforeAll(async () => {
      f = await caseFixture(dialect);
    }, 120_000);
    afterAll(async () => f.ctx.close());

    const step = fc.oneof(
      fc.record({ kind: fc.constant('tick' as const), minutes: fc.integer({ min: 1, max: 72 * 60 }) }),
      fc.record({ kind: fc.constant('day' as const), ahead: fc.integer({ min: 0, max: 3 }), day: fc.constantFrom('holiday' as const, 'workday' as const) }),
      fc.record({ kind: fc.constant('undo' as const), pick: fc.nat(5) }),
    );

    it('property: over any re-times and deadline runs, a stage is reminded again only of an earlier due time than any it was reminded of, and is reminded before its due time whenever the job ran past the warning point', async () => {
      const a = f.actors;
      const db = f.ctx.handle.db;
      const category = f.categories.A0301 as string;
      const was = await db.selectFrom('case_categories').select(['handle_hours', 'limit_mode']).where('id', '=', category).executeTakeFirstOrThrow();
      let movedAfterReminder = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 12 }),
          fc.integer({ min: 0, max: 7 * 24 * 60 }),
          fc.array(step, { minLength: 1, maxLength: 12 }),
          async (hours, startMin, steps) => {
            await db.updateTable('case_categories').set({ handle_hours: hours, limit_mode: 'working' }).where('id', '=', category).execute();
            f.ctx.clock.set(new Date(Date.parse('2026-06-01T00:00:00+08:00') + startMin * MIN));
            let c = await f.report(a.patrol1);
            c = await f.act(a.operator, c.id, { action: 'file', version: c.version });
            c = await f.act(a.operator, c.id, { action: 'dispatch', version: c.version, unitId: f.units.handler1 });
            const put = new Map<string, string>();
            const row = () => db.selectFrom('cases').select(['status', 'stage_started_at', 'stage_due_at']).where('id', '=', c.id).executeTakeFirstOrThrow();
            const reminders = async () =>
              (await db.selectFrom('notifications').select(['params', 'created_at']).where('case_id', '=', c.id).where('kind', '=', 'case_due_soon').orderBy('created_at').orderBy('id').execute())
                .map((n) => Date.parse(JSON.parse(n.params as string).dueAt as string));
            try {
              for (const s of steps) {
                const cur = await row();
                if (cur.status !== 'dispatched') break;
                const remindedBefore = (await reminders()).length;
                if (s.kind === 'tick') {
                  f.ctx.clock.advance(s.minutes * MIN);
                  await sweepCaseDeadlines(db, f.ctx.clock);
                } else if (s.kind === 'day') {
                  const date = shanghaiDate(f.ctx.clock.now().getTime() + s.ahead * 24 * HOUR);
                  const o = await putOverride(db, f.ctx.clock, a.admin, { date, kind: s.day, note: '测试', subdistrictId: f.hq });
                  put.set(date, o.id);
                } else {
                  const dates = [...put.keys()];
                  if (!dates.length) continue;
                  const date = dates[s.pick % dates.length]!;
                  await deleteOverride(db, f.ctx.clock, a.admin, put.get(date)!);
                  put.delete(date);
                }
                const after = await row();
                if (s.kind !== 'tick' && remindedBefore > 0 && after.stage_due_at !== cur.stage_due_at) movedAfterReminder++;
                // Then the job runs, as it does every half minute.
                await sweepCaseDeadlines(db, f.ctx.clock);
                const warned = await reminders();
                // One reminder a stage: each further one warns of an earlier due time than all before it.
                for (let i = 1; i < warned.length; i++) expect(warned[i]).toBeLessThan(Math.min(...warned.slice(0, i)));
                // ... and none is lost: past its warning point, a stage was warned of a due time no later than its own.
                const now = f.ctx.clock.now().getTime();
                const due = Date.parse(after.stage_due_at as string);
                const point = remindAtFor(new Date(after.stage_started_at as string), new Date(due)).getTime();
                if (now >= point && now < due) expect(warned.length && Math.min(...warned) <= due).toBeTruthy();
              }
            } finally {
              for (const id of put.values()) await deleteOverride(db, f.ctx.clock, a.admin, id);
              const open = await db.selectFrom('cases').select(['status', 'version']).where('id', '=', c.id).executeTakeFirstOrThrow();
              // Close the case's stage so it does not weigh on the next run.
              if (open.status === 'dispatched') await f.act(a.handler1, c.id, { action: 'handle', version: open.version, note: '已整改', photoIds: [await f.photo(a.handler1)] });
            }
          },
        ),
        {
          seed: Number(process.env.FC_SEED ?? 20261207),
          numRuns: dialect === 'sqlite' ? 30 : 15,
          // Friday 15:00, 2 working hours: warned at 16:40 of 17:00 Friday; Friday made a holiday (a
          // typhoon) moves the 20 minutes left to Monday 08:50; warned Friday, the stage is not
          // warned again on Monday morning.
          examples: [[2, 4 * 24 * 60 + 15 * 60, [{ kind: 'tick', minutes: 100 }, { kind: 'day', ahead: 0, day: 'holiday' }, { kind: 'tick', minutes: 63 * 60 }]]],
        },
      );
      // The draws reached the case the rule is about: a due time moved after its reminder.
      expect(movedAfterReminder).toBeGreaterThan(0);
      await db.updateTable('case_categories').set(was).where('id', '=', category).execute();
    }, 180_000);
  });
}
