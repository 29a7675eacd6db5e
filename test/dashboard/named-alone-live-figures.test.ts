import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillResponsibleUnits } from '../../src/db/migrations/2026-12-11T0600-case-responsible-unit.js';
import { sweepCaseDeadlines } from '../../src/domain/cases/deadline-sweep.js';
import { listCases } from '../../src/domain/cases/list-cases.js';
import { foldPendingEvents } from '../../src/domain/dashboard/fold-events.js';
import { dashboardRankings } from '../../src/domain/dashboard/rankings.js';
import { resolveSlice, sumGrain } from '../../src/domain/dashboard/slice.js';
import { dashboardSummary } from '../../src/domain/dashboard/summary.js';
import { shanghaiDate } from '../../src/domain/checkins/local-time.js';
import { DIALECTS } from '../helpers/db.js';
import { type CaseFixture, caseFixture } from '../cases/fixtures.js';

// A case dispatched to a committee cadre named alone (no unit) is the committee's own unit's case
// (dispatchedUnitOf). The folded figures count it there; so do the live ones: the unit's 超期未处置
// (summary and unit ranking), its open gauges, and the unit filter of the dashboard and the desk,
// which read the unit the case is answerable to (cases.responsible_unit_id), set with each dispatch.

for (const dialect of DIALECTS) {
  describe(`live unit figures of a case named to a cadre alone [${dialect}]`, () => {
    let f: CaseFixture;
    let committeeUnit: string;
    let caseId: string;
    let day: string;
    beforeAll(async () => {
      f = await caseFixture(dialect);
      committeeUnit = (await f.ctx.handle.db.selectFrom('handling_units').select('id').where('kind', '=', 'committee').where('committee_id', '=', f.binRoom.committeeId).executeTakeFirstOrThrow()).id;
    }, 120_000);
    afterAll(async () => f.ctx.close());

    const fold = async () => {
      while ((await foldPendingEvents(f.ctx.handle.db, f.ctx.clock)).length);
    };
    const window = () => ({ window: 'custom' as const, from: day, to: day });
    const unitOf = async (id: string) => (await f.ctx.handle.db.selectFrom('cases').select('responsible_unit_id').where('id', '=', id).executeTakeFirstOrThrow()).responsible_unit_id;
    /** The fold's unit for the case (case_rollup_state), '' for none. */
    const foldedUnitOf = async (id: string) => (await f.ctx.handle.db.selectFrom('case_rollup_state').select('unit_id').where('case_id', '=', id).executeTakeFirstOrThrow()).unit_id;
    const listed = async (unitId: string, queue?: 'overdue') =>
      (await listCases(f.ctx.handle.db, f.actors.operator, { unitId, queue }, { limit: 200 }, f.ctx.clock.now())).items.map((c) => c.id);

    it("an overdue, never-handled case named to a cadre alone counts in the committee unit's 超期未处置 and shows under its unit filter", async () => {
      const a = f.actors;
      const db = f.ctx.handle.db;
      f.ctx.clock.set('2026-08-03T01:00:00Z');
      let c = await f.report(a.patrol1, { photoIds: [await f.photo(a.patrol1)] });
      c = await f.act(a.operator, c.id, { action: 'file', version: c.version });
      c = await f.act(a.operator, c.id, { action: 'dispatch', version: c.version, userId: a.cadre01.userId });
      caseId = c.id;
      expect(c.assignedUnitId).toBeNull();
      expect(await unitOf(c.id)).toBe(committeeUnit);
      const due = (await db.selectFrom('cases').select('stage_due_at').where('id', '=', c.id).executeTakeFirstOrThrow()).stage_due_at!;
      f.ctx.clock.set(new Date(Date.parse(due) + 60_000));
      await sweepCaseDeadlines(db, f.ctx.clock);
      const row = await db.selectFrom('cases').select(['status', 'overdue_at', 'handled_at']).where('id', '=', c.id).executeTakeFirstOrThrow();
      expect([row.status, row.overdue_at !== null, row.handled_at]).toEqual(['dispatched', true, null]);
      day = shanghaiDate(new Date(due));
      await fold();

      const unit = await dashboardSummary(db, f.ctx.clock, a.operator, { ...window(), unitId: committeeUnit });
      expect(unit.kpis.overdueUnhandled).toBe(1);
      expect([unit.open.byStatus.dispatched, unit.open.overdueNow]).toEqual([1, 1]);
      const ranking = await dashboardRankings(db, f.ctx.clock, a.operator, { ...window(), of: 'unit', limit: 100 });
      expect(ranking.rows.find((r) => r.id === committeeUnit)?.kpis.overdueUnhandled).toBe(1);
      // Not against the unit the case was never sent to.
      expect((await dashboardSummary(db, f.ctx.clock, a.operator, { ...window(), unitId: f.units.handler1 })).kpis.overdueUnhandled).toBe(0);
      expect(await listed(committeeUnit)).toContain(c.id);
      expect(await listed(committeeUnit, 'overdue')).toContain(c.id);
      expect(await listed(f.units.handler1)).not.toContain(c.id);
    });

    it('the live figures and the folded ones count the case against the same unit', async () => {
      const db = f.ctx.handle.db;
      await fold();
      expect(await foldedUnitOf(caseId)).toBe(committeeUnit);
      // The fold has the dispatch and the overdue mark on the committee's unit: the live 超期未处置 is there too.
      const slice = await resolveSlice(db, f.actors.operator, { unitId: committeeUnit });
      const [folded] = await sumGrain(db, slice, { from: day, to: day });
      expect(Number(folded!.overdue)).toBe(1);
      const live = await dashboardSummary(db, f.ctx.clock, f.actors.operator, { ...window(), unitId: committeeUnit });
      expect(live.kpis.overdueUnhandled).toBe(Number(folded!.overdue));
    });

    it("re-dispatched to a unit, the case leaves the committee unit's live figures and filter with its folded ones", async () => {
      const db = f.ctx.handle.db;
      const c = await db.selectFrom('cases').select('version').where('id', '=', caseId).executeTakeFirstOrThrow();
      await f.act(f.actors.operator, caseId, { action: 'redispatch', version: c.version, unitId: f.units.handler1, reason: '改派' });
      expect(await unitOf(caseId)).toBe(f.units.handler1);
      await fold();
      expect(await foldedUnitOf(caseId)).toBe(f.units.handler1);
      expect(await listed(committeeUnit)).not.toContain(caseId);
      expect(await listed(f.units.handler1)).toContain(caseId);
      const unit = await dashboardSummary(db, f.ctx.clock, f.actors.operator, { window: 'today', unitId: committeeUnit });
      expect(unit.open.byStatus.dispatched).toBe(0);
      // And back to the cadre alone: the committee's unit again.
      const again = await db.selectFrom('cases').select('version').where('id', '=', caseId).executeTakeFirstOrThrow();
      await f.act(f.actors.operator, caseId, { action: 'redispatch', version: again.version, userId: f.actors.cadre01.userId, reason: '改派' });
      expect(await unitOf(caseId)).toBe(committeeUnit);
      await fold();
      expect(await foldedUnitOf(caseId)).toBe(committeeUnit);
      expect(await listed(committeeUnit)).toContain(caseId);
    });

    it('the migration gives the cases dispatched before it the unit a dispatch gives them now', async () => {
      const db = f.ctx.handle.db;
      // A case never dispatched has none; a case fixed on the spot by a cadre (自发自处) has none either.
      const reported = await f.report(f.actors.patrol1, { photoIds: [await f.photo(f.actors.patrol1)] });
      const selfResolved = await f.report(f.actors.cadre01, {
        source: 'self_resolved', photoIds: [await f.photo(f.actors.cadre01)], afterPhotoIds: [await f.photo(f.actors.cadre01)],
      } as never);
      // Dispatched to a unit, and to an enforcement officer named alone (the enforcement team's).
      const dispatched = async (to: { unitId?: string; userId?: string }) => {
        let c = await f.report(f.actors.patrol1, { photoIds: [await f.photo(f.actors.patrol1)] });
        c = await f.act(f.actors.operator, c.id, { action: 'file', version: c.version });
        return (await f.act(f.actors.operator, c.id, { action: 'dispatch', version: c.version, ...to })).id;
      };
      const toUnit = await dispatched({ unitId: f.units.handler2 });
      const toOfficer = await dispatched({ userId: f.actors.enforcer1.userId });
      const all = async () => (await db.selectFrom('cases').select(['id', 'responsible_unit_id']).orderBy('id').execute()).map((r) => [r.id, r.responsible_unit_id]);
      const live = await all();
      const byId = new Map(live as [string, string | null][]);
      expect([byId.get(caseId), byId.get(toUnit), byId.get(toOfficer)]).toEqual([committeeUnit, f.units.handler2, f.units.enforcement]);
      expect([byId.get(reported.id), byId.get(selfResolved.id)]).toEqual([null, null]);
      await db.updateTable('cases').set({ responsible_unit_id: null }).execute();
      await backfillResponsibleUnits(db);
      expect(await all()).toEqual(live);
      expect(await unitOf(caseId)).toBe(committeeUnit);
    });
  });
}
