import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/auth/actor.js';
import { sweepCaseDeadlines } from '../../src/domain/cases/deadline-sweep.js';
import { zeroCounters } from '../../src/domain/dashboard/counters.js';
import { foldPendingEvents } from '../../src/domain/dashboard/fold-events.js';
import { compositeScore, computeKpis, histogramMedian } from '../../src/domain/dashboard/kpis.js';
import { signInAs } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { type CaseFixture, caseFixture } from '../cases/fixtures.js';

describe('KPI formulas (pure)', () => {
  it('computes the egova rates from counters, null when a denominator is zero', () => {
    // Of the 6 handled in the window, 4 are closed by now (3 on time); 7 closures happened in the
    // window, 3 of them of cases handled before it: 结案数 counts among 应结案数, so 4, not 7.
    const c = { ...zeroCounters(), found: 10, reported: 8, self_resolved: 2, handled: 6, handled_on_time: 5, rework: 1, closed: 7, closed_on_time: 5, due_closed: 4, due_closed_on_time: 3 };
    const k = computeKpis({ c, overdueUnhandled: 2 });
    expect(k.dueForClosure).toBe(8); // 6 handled + 2 overdue and still unhandled
    expect(k.closed).toBe(7);
    expect(k.dueClosed).toBe(4);
    expect(k.closureRate).toBeCloseTo(4 / 8);
    expect(k.onTimeClosureRate).toBeCloseTo(3 / 8);
    expect(k.onTimeHandlingRate).toBeCloseTo(5 / 8);
    expect(k.reworkRate).toBeCloseTo(1 / 6);
    expect(k.selfResolvedShare).toBeCloseTo(2 / 10);
    const empty = computeKpis({ c: zeroCounters(), overdueUnhandled: 0 });
    expect([empty.closureRate, empty.reworkRate, empty.selfResolvedShare, empty.medianCloseMinutes]).toEqual([null, null, null, null]);
  });

  it('takes the median of found-to-closed from the histogram, interpolating inside the bucket', () => {
    // 1 case ≤10 min, 2 in (10,30], 1 in (60,120]: the median (2nd of 4) lies in (10,30].
    const c = { ...zeroCounters(), h0: 1, h1: 2, h3: 1 };
    expect(histogramMedian(c)).toBe(10 + Math.round((1 / 2) * 20));
  });

  it('weights the score (default 60/30/10) and grades it; missing rates drop out', () => {
    const k = computeKpis({ c: { ...zeroCounters(), handled: 10, handled_on_time: 8, closed: 9, due_closed: 9, rework: 1 }, overdueUnhandled: 0 });
    // 0.9×60 + 0.8×30 + 0.9×10 = 87 → B
    expect(compositeScore(k)).toEqual({ score: 87, grade: 'B' });
    expect(compositeScore(k, { closureRate: 10, onTimeClosureRate: 30, onTimeHandlingRate: 30, noRework: 30 }).score).toBeCloseTo(((0.9 * 10 + 0 * 30 + 0.8 * 30 + 0.9 * 30) / 100) * 100, 1);
    expect(compositeScore(computeKpis({ c: zeroCounters(), overdueUnhandled: 0 }))).toEqual({ score: null, grade: null });
  });
});

for (const dialect of DIALECTS) {
  describe(`KPIs from a hand-computed workload [${dialect}]`, () => {
    let f: CaseFixture;
    let operator: string;
    beforeAll(async () => {
      f = await caseFixture(dialect);
    });
    afterAll(async () => f.ctx.close());

    it('counts due = handled + overdue-unhandled, leaves holds out, and counts rework only for the same unit', async () => {
      const { actors: a, units } = f;
      const clock = f.ctx.clock;
      clock.set('2026-06-01T01:00:00Z'); // Monday 09:00 in Shanghai
      const tick = () => clock.advance(5 * 60_000);
      let v = new Map<string, number>();
      const act = async (who: Actor, id: string, action: string, extra: Record<string, unknown> = {}) => {
        tick();
        const next = await f.act(who, id, { action, version: v.get(id)!, ...extra } as never);
        v.set(id, next.version);
        return next;
      };
      const report = async () => {
        tick();
        const c = await f.report(a.patrol1, { photoIds: [await f.photo(a.patrol1)] });
        v.set(c.id, c.version);
        return c.id;
      };
      const handle = async (who: Actor, id: string) => act(who, id, 'handle', { note: '已整改', photoIds: [await f.photo(who)] });
      const toUnit = async (id: string) => {
        await act(a.operator, id, 'file');
        await act(a.operator, id, 'dispatch', { unitId: units.handler1 });
      };

      const c1 = await report(); // handled on time, closed
      await toUnit(c1);
      await handle(a.handler1, c1);
      await act(a.patrol1, c1, 'check_pass');

      const c2 = await report(); // failed check, same unit handles again: rework
      await toUnit(c2);
      await handle(a.handler1, c2);
      await act(a.patrol1, c2, 'check_fail', { note: '仍有混投' });
      await handle(a.handler1, c2);
      await act(a.patrol1, c2, 'check_pass');

      const c3 = await report(); // failed check, re-dispatched to another unit: not rework
      await toUnit(c3);
      await handle(a.handler1, c3);
      await act(a.patrol1, c3, 'check_fail', { note: '仍有混投' });
      await act(a.operator, c3, 'redispatch', { unitId: units.handler2, reason: '改派物业二' });
      await handle(a.handler2, c3);

      const c4 = await report(); // dispatched, then overdue and still not handled
      await toUnit(c4);

      const c5 = await report(); // on hold: left out even when time runs on
      await toUnit(c5);
      await act(a.handler1, c5, 'request_hold', { reason: '需业委会决议' });
      await act(a.operator, c5, 'approve_hold');

      tick();
      const b1 = await f.photo(a.patrol1);
      const b2 = await f.photo(a.patrol1);
      await f.report(a.patrol1, { source: 'self_resolved', photoIds: [b1], afterPhotoIds: [b2] });

      clock.set('2026-06-15T01:00:00Z'); // well past every handling and checking limit
      await sweepCaseDeadlines(f.ctx.handle.db, clock);
      while ((await foldPendingEvents(f.ctx.handle.db, clock)).length);
      operator = await signInAs(f.ctx.app, 'operator'); // the earlier session expired during the fortnight

      const res = await f.ctx.app.inject({ method: 'GET', url: `/api/dashboard/summary?subdistrictId=${f.hq}&window=custom&from=2026-06-01&to=2026-06-15`, headers: { cookie: operator } });
      expect(res.statusCode).toBe(200);
      const k = res.json().kpis;
      expect(k.found).toBe(6);
      expect(k.reported).toBe(5);
      expect(k.selfResolved).toBe(1);
      expect(k.selfResolvedShare).toBeCloseTo(1 / 6);
      expect(k.handled).toBe(4); // c1, c2 (once), c3 by unit 1 and again by unit 2
      expect(k.rework).toBe(1); // c2 only
      expect(k.reworkRate).toBeCloseTo(1 / 4);
      expect(k.closed).toBe(2);
      expect(k.overdueUnhandled).toBe(1); // c4; c5 is on hold, c3 is handled (overdue at the check stage)
      expect(k.dueForClosure).toBe(5);
      expect(k.closureRate).toBeCloseTo(2 / 5);
      expect(k.onTimeClosureRate).toBeCloseTo(2 / 5);
      expect(k.onTimeHandlingRate).toBeCloseTo(4 / 5);
      expect(k.holds).toBe(1);
      expect(k.overdueMarked).toBe(2); // c4 (handling) and c3 (checking)
      expect(k.medianCloseMinutes).not.toBeNull();
      const open = res.json().open;
      expect(open.byStatus).toMatchObject({ dispatched: 1, handled: 1, on_hold: 1 });
      expect(open.overdueNow).toBe(2);
      expect(open.onHold).toBe(1);

      // The same figures by handling unit: rework belongs to unit 1; unit 2 handled c3 fresh.
      const units1 = await f.ctx.app.inject({ method: 'GET', url: `/api/dashboard/rankings?of=unit&subdistrictId=${f.hq}&window=custom&from=2026-06-01&to=2026-06-15`, headers: { cookie: operator } });
      const rows = units1.json().rows as { id: string; kpis: { handled: number; rework: number } }[];
      expect(rows.find((r) => r.id === units.handler1)?.kpis).toMatchObject({ handled: 3, rework: 1 });
      expect(rows.find((r) => r.id === units.handler2)?.kpis).toMatchObject({ handled: 1, rework: 0 });
    }, 60_000);
  });
}
