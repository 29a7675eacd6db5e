import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldPendingEvents } from '../../src/domain/dashboard/fold-events.js';
import { DIALECTS } from '../helpers/db.js';
import { type CaseFixture, caseFixture } from '../cases/fixtures.js';

// Two limits counted from the same weekend end at the same instant (8 working hours to handle, 8 to
// check: Monday 17:30 either way). The new stage's due time is then no "change" of stage_due_at,
// yet the dashboard's fold takes each stage's deadline from its event: the case's on-time marks
// and the dashboard's must agree all the same (DOMAIN.md §4 "KPIs count cases").
for (const dialect of DIALECTS) {
  describe(`a stage due when the stage before it was due [${dialect}]`, () => {
    let f: CaseFixture;
    let was: { dispatch_hours: number; handle_hours: number; check_hours: number; limit_mode: 'working' | 'calendar' };
    beforeAll(async () => {
      f = await caseFixture(dialect);
      const db = f.ctx.handle.db;
      was = await db.selectFrom('case_categories').select(['dispatch_hours', 'handle_hours', 'check_hours', 'limit_mode']).where('id', '=', f.categories.A0301 as string).executeTakeFirstOrThrow();
      await db.updateTable('case_categories').set({ dispatch_hours: 2, handle_hours: 8, check_hours: 8, limit_mode: 'working' }).where('id', '=', f.categories.A0301 as string).execute();
    });
    afterAll(async () => {
      await f.ctx.handle.db.updateTable('case_categories').set(was).where('id', '=', f.categories.A0301 as string).execute();
      await f.ctx.close();
    });

    const at = (iso: string) => f.ctx.clock.set(iso);
    const photo = () => f.photo(f.actors.handler1);
    /** The case row's marks and what the dashboard's fold remembers of the same case. */
    async function bothSides(caseId: string) {
      const db = f.ctx.handle.db;
      while ((await foldPendingEvents(db, f.ctx.clock)).length);
      const row = await db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();
      const state = await db.selectFrom('case_rollup_state').selectAll().where('case_id', '=', caseId).executeTakeFirstOrThrow();
      return { row: { handled: row.handled_on_time, closed: row.closed_on_time }, fold: { handled: state.handled_on_time, closed: state.due_closed_on_time } };
    }
    const stageDues = async (caseId: string) =>
      (await f.ctx.handle.db.selectFrom('case_events').select(['action', 'changes']).where('case_id', '=', caseId).orderBy('seq').execute())
        .map((e) => [e.action, JSON.parse(e.changes).stage_due_at?.[1]]);

    it('a check due when the handling was: checked late, not closed on time on either side', async () => {
      const a = f.actors;
      at('2026-06-13T02:00:00Z'); // Saturday 10:00 in Shanghai
      let c = await f.report(a.patrol1);
      c = await f.act(a.operator, c.id, { action: 'file', version: c.version });
      c = await f.act(a.operator, c.id, { action: 'dispatch', version: c.version, unitId: f.units.handler1 });
      const handleDue = c.stageDueAt;
      at('2026-06-13T02:05:00Z');
      c = await f.act(a.handler1, c.id, { action: 'handle', version: c.version, note: '已整改', photoIds: [await photo()] });
      expect(c.stageDueAt).toBe(handleDue);
      // The check stage names its due time in its event, though it equals the handling's.
      expect(await stageDues(c.id)).toContainEqual(['handle', handleDue]);
      at('2026-06-16T02:00:00Z'); // Tuesday: past the check's due time
      c = await f.act(a.patrol1, c.id, { action: 'check_pass', version: c.version });
      const sides = await bothSides(c.id);
      expect(sides.row).toEqual({ handled: 1, closed: 0 });
      expect(sides.fold).toEqual(sides.row);
    });

    it('a handling due again when the failed check was: handled again in time, on time on either side', async () => {
      const a = f.actors;
      at('2026-06-12T08:00:00Z'); // Friday 16:00: 8 working hours run to Monday 16:00
      let c = await f.report(a.patrol1);
      c = await f.act(a.operator, c.id, { action: 'file', version: c.version });
      c = await f.act(a.operator, c.id, { action: 'dispatch', version: c.version, unitId: f.units.handler1 });
      const firstDue = c.stageDueAt as string;
      at('2026-06-13T02:00:00Z'); // Saturday
      c = await f.act(a.handler1, c.id, { action: 'handle', version: c.version, note: '已整改', photoIds: [await photo()] });
      const checkDue = c.stageDueAt as string;
      at('2026-06-14T02:00:00Z'); // Sunday: sent back, with a fresh handling limit (Monday 17:30, as the check's)
      c = await f.act(a.patrol1, c.id, { action: 'check_fail', version: c.version, note: '未整改到位' });
      expect(c.stageDueAt).toBe(checkDue);
      expect(Date.parse(firstDue)).toBeLessThan(Date.parse(checkDue));
      expect(await stageDues(c.id)).toContainEqual(['check_fail', checkDue]);
      // Handled again after the first limit, before the second: on time.
      at(new Date((Date.parse(firstDue) + Date.parse(checkDue)) / 2).toISOString());
      c = await f.act(a.handler1, c.id, { action: 'handle', version: c.version, note: '已整改', photoIds: [await photo()] });
      c = await f.act(a.patrol1, c.id, { action: 'check_pass', version: c.version });
      const sides = await bothSides(c.id);
      expect(sides.row).toEqual({ handled: 1, closed: 1 });
      expect(sides.fold).toEqual(sides.row);
    });
  });
}
