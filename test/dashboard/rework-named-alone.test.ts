import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/index.js';
import { up as refold } from '../../src/db/migrations/2026-12-11T0500-fold-units-of-people-named-alone.js';
import { type FoldEvent, foldEvent, initialState } from '../../src/domain/dashboard/counters.js';
import { foldPendingEvents, rebuildRollups } from '../../src/domain/dashboard/fold-events.js';
import { ROLLUP_TABLES } from '../../src/domain/dashboard/grains.js';
import { unitWindowSums } from '../../src/domain/dashboard/unit-cum.js';
import { DIALECTS } from '../helpers/db.js';
import { type CaseFixture, caseFixture } from '../cases/fixtures.js';

// A case dispatched to a committee cadre named alone (no unit) is the committee's own unit's case,
// as the independent check has it (dispatchedUnitOf): its handling and its rework (返工: a failed
// check sent it back and the same unit handled it again) count against that unit on the dashboard
// (the unit ranking's handled / rework), the case's own rework_count says the same, and a
// `rollups rebuild` gives the figures the live fold gave.

const COUNTED = ['handled', 'rework'] as const;

async function snapshot(db: Db) {
  const out: Record<string, unknown[]> = {};
  for (const t of ROLLUP_TABLES) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(t)}`.execute(db);
    out[t] = rows.rows.map((r) => JSON.stringify(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' ? v : Number(v)]))).sort();
  }
  return out;
}

for (const dialect of DIALECTS) {
  describe(`rework of a case named to a cadre alone counts against the committee's unit [${dialect}]`, () => {
    let f: CaseFixture;
    let committeeUnit: string;
    beforeAll(async () => {
      f = await caseFixture(dialect);
      committeeUnit = (await f.ctx.handle.db.selectFrom('handling_units').select('id').where('kind', '=', 'committee').where('committee_id', '=', f.binRoom.committeeId).executeTakeFirstOrThrow()).id;
    }, 120_000);
    afterAll(async () => f.ctx.close());

    /** handled / rework of the units over the year, as the unit ranking reads them. */
    async function unitFigures() {
      const db = f.ctx.handle.db;
      while ((await foldPendingEvents(db, f.ctx.clock)).length);
      const sums = await unitWindowSums(db, [f.hq], '2026-01-01', '2026-12-31', COUNTED, [committeeUnit, f.units.handler1]);
      const of = (u: string) => ({ handled: sums.get(u)?.c.handled ?? 0, rework: sums.get(u)?.c.rework ?? 0 });
      return { committee: of(committeeUnit), handler1: of(f.units.handler1) };
    }
    const minus = (a: Awaited<ReturnType<typeof unitFigures>>, b: typeof a) => ({
      committee: { handled: a.committee.handled - b.committee.handled, rework: a.committee.rework - b.committee.rework },
      handler1: { handled: a.handler1.handled - b.handler1.handled, rework: a.handler1.rework - b.handler1.rework },
    });

    /** A case dispatched to `first`, handled, failed at its check, sent to `then` (or left), handled again. */
    async function reworked(first: { unitId?: string; userId?: string }, then: { unitId?: string; userId?: string } | null, again: 'cadre01' | 'handler1') {
      const a = f.actors;
      f.ctx.clock.set('2026-06-10T01:00:00Z');
      let c = await f.report(a.patrol1);
      c = await f.act(a.operator, c.id, { action: 'file', version: c.version });
      c = await f.act(a.operator, c.id, { action: 'dispatch', version: c.version, ...first });
      f.ctx.clock.advance(3600_000);
      c = await f.act(a.cadre01, c.id, { action: 'handle', version: c.version, note: '已清理', photoIds: [await f.photo(a.cadre01)] });
      c = await f.act(a.operator, c.id, { action: 'check_fail', version: c.version, note: '仍有塑料袋' });
      if (then) c = await f.act(a.operator, c.id, { action: 'redispatch', version: c.version, reason: '改派', ...then });
      f.ctx.clock.advance(3600_000);
      c = await f.act(a[again], c.id, { action: 'handle', version: c.version, note: '再次清理', photoIds: [await f.photo(a[again])] });
      return c;
    }

    it('named alone, failed and handled again by the cadre: rework of the committee unit', async () => {
      const before = await unitFigures();
      const c = await reworked({ userId: f.actors.cadre01.userId }, null, 'cadre01');
      expect(c.reworkCount).toBe(1);
      expect(minus(await unitFigures(), before)).toEqual({ committee: { handled: 1, rework: 1 }, handler1: { handled: 0, rework: 0 } });
    });

    it('named alone, then sent to the committee unit itself: the same unit, so rework on the case and on the unit', async () => {
      const before = await unitFigures();
      const c = await reworked({ userId: f.actors.cadre01.userId }, { unitId: committeeUnit }, 'cadre01');
      expect(c.reworkCount).toBe(1);
      expect(minus(await unitFigures(), before)).toEqual({ committee: { handled: 1, rework: 1 }, handler1: { handled: 0, rework: 0 } });
    });

    it('sent to the committee unit, then to its cadre named alone: still the same unit, rework', async () => {
      const before = await unitFigures();
      const c = await reworked({ unitId: committeeUnit }, { userId: f.actors.cadre01.userId }, 'cadre01');
      expect(c.reworkCount).toBe(1);
      expect(minus(await unitFigures(), before)).toEqual({ committee: { handled: 1, rework: 1 }, handler1: { handled: 0, rework: 0 } });
    });

    it('named alone, then re-dispatched to another unit: not rework, the handling moves to that unit', async () => {
      const before = await unitFigures();
      const c = await reworked({ userId: f.actors.cadre01.userId }, { unitId: f.units.handler1 }, 'handler1');
      expect(c.reworkCount).toBe(0);
      expect(minus(await unitFigures(), before)).toEqual({ committee: { handled: 0, rework: 0 }, handler1: { handled: 1, rework: 0 } });
    });

    it('a rollups rebuild gives the live figures', async () => {
      const db = f.ctx.handle.db;
      while ((await foldPendingEvents(db, f.ctx.clock)).length);
      const live = await snapshot(db);
      await rebuildRollups(db, f.ctx.clock);
      expect(await snapshot(db)).toEqual(live);
    });

    it('the migration has the event log folded again: figures folded under the old rule count against the unit', async () => {
      const db = f.ctx.handle.db;
      while ((await foldPendingEvents(db, f.ctx.clock)).length);
      const live = await snapshot(db);
      // As folded before: nothing of these cases against the committee's unit.
      await db.deleteFrom('case_rollups_unit_daily').where('unit_id', '=', committeeUnit).execute();
      await db.deleteFrom('case_rollups_unit_cum').where('unit_id', '=', committeeUnit).execute();
      expect(await snapshot(db)).not.toEqual(live);
      await refold(db);
      expect(await db.selectFrom('rollup_cursors').select('seq').execute()).toEqual([]);
      while ((await foldPendingEvents(db, f.ctx.clock)).length);
      expect(await snapshot(db)).toEqual(live);
    });
  });
}

describe('the fold: the unit of a dispatch that names a person and no unit', () => {
  const attrs = {
    case_id: 'c', subdistrict_id: 's', committee_id: 'k', grid_id: null, category_id: 'cat', category_code: 'A0301', source: 'patrol', reported_at: '2026-06-01T00:00:00.000Z',
  };
  const ev = (seq: number, action: string, changes: Record<string, [unknown, unknown]>, assignee?: string | null): FoldEvent => ({
    seq, action, from_status: 'filed', to_status: 'dispatched', actor_user_id: 'op', at: `2026-06-01T0${seq}:00:00.000Z`, changes: JSON.stringify(changes),
    ...(assignee !== undefined ? { assignee_unit_id: assignee } : {}),
  });
  it('is the person\'s unit when the event names the unit null, or (an old event) names only the person of a case with no unit yet', () => {
    expect(foldEvent(ev(1, 'dispatch', { assigned_unit_id: [null, null], assigned_user_id: [null, 'cadre'] }, 'U'), attrs, initialState()).unitId).toBe('U');
    expect(foldEvent(ev(1, 'dispatch', { assigned_user_id: [null, 'cadre'] }, 'U'), attrs, initialState()).unitId).toBe('U');
    // A person with no unit to work out: no unit, as before.
    expect(foldEvent(ev(1, 'dispatch', { assigned_unit_id: [null, null], assigned_user_id: [null, 'p'] }, null), attrs, initialState()).unitId).toBe('');
  });
  it('is the unit named when there is one, and an old event naming only another person of the case\'s unit keeps it', () => {
    const s1 = foldEvent(ev(1, 'dispatch', { assigned_unit_id: [null, 'W'], assigned_user_id: [null, 'h'] }), attrs, initialState());
    expect(s1.unitId).toBe('W');
    expect(foldEvent(ev(2, 'redispatch', { assigned_user_id: ['h', 'h2'] }, 'V'), attrs, s1.state).unitId).toBe('W');
    expect(foldEvent(ev(2, 'redispatch', { assigned_unit_id: ['W', null], assigned_user_id: ['h', 'cadre'] }, 'U'), attrs, s1.state).unitId).toBe('U');
  });
});
