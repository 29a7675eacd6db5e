import { describe, expect, it } from 'vitest';
import { type CaseAttrs, type FoldEvent, type FoldState, foldEvent, initialState } from '../../src/domain/dashboard/counters.js';
import { RollupAccumulator } from '../../src/domain/dashboard/grains.js';
import { grainRows } from '../../src/domain/dashboard/seed/case-year.js';
import { computeKpis, sumCounters } from '../../src/domain/dashboard/kpis.js';

const attrs: CaseAttrs = {
  case_id: 'c1', subdistrict_id: 'S', committee_id: 'K', grid_id: null, category_id: 'cat', category_code: '01', source: 'patrol',
  reported_at: '2026-06-01T01:00:00.000Z',
};

/** Folds a case's events in order; returns the subdistrict-day rows' counters by Shanghai day. */
function fold(events: [action: string, at: string, changes?: Record<string, [unknown, unknown]>][], retimedStatus = '') {
  const acc = new RollupAccumulator('D');
  let s: FoldState = initialState();
  events.forEach(([action, at, changes], i) => {
    // A retime event's to_status is the status whose deadline it moved.
    const e: FoldEvent = { seq: i + 1, action, from_status: null, to_status: action === 'retime' ? retimedStatus : '', actor_user_id: 'u', at, changes: JSON.stringify(changes ?? {}) };
    const r = foldEvent(e, attrs, s);
    s = r.state;
    acc.addEvent(attrs, r.unitId, 'u', at, r.delta);
    for (const x of r.dated) acc.addEvent(attrs, r.unitId, 'u', x.at, x.delta);
  });
  const rows = grainRows(acc).get('case_rollups_subdistrict_daily') ?? [];
  const byDay = new Map(rows.map((r) => [r.day as string, r]));
  const kpisOf = (...days: string[]) => computeKpis({ c: sumCounters(days.map((d) => byDay.get(d) ?? {})), overdueUnhandled: 0 });
  return { kpisOf, state: s };
}

const DISPATCH: [string, string, Record<string, [unknown, unknown]>] = ['dispatch', '2026-06-01T02:00:00.000Z', { assigned_unit_id: [null, 'unit'], stage_due_at: [null, '2026-06-03T02:00:00.000Z'] }];

describe('结案数 counted among 应结案数 (closure on the day of handling)', () => {
  it('a case handled one day and closed the next: the first day is 100 %, the second has nothing due and no rate (not "∞ %")', () => {
    const { kpisOf } = fold([
      ['report', '2026-06-01T01:00:00.000Z'], ['file', '2026-06-01T01:30:00.000Z'], DISPATCH,
      ['handle', '2026-06-01T09:00:00.000Z'], // 17:00 in Shanghai, 1 June
      ['check_pass', '2026-06-02T01:00:00.000Z'], // 09:00, 2 June
    ]);
    const june1 = kpisOf('2026-06-01');
    expect([june1.handled, june1.dueForClosure, june1.closed, june1.dueClosed, june1.closureRate, june1.onTimeClosureRate]).toEqual([1, 1, 0, 1, 1, 1]);
    const june2 = kpisOf('2026-06-02');
    expect([june2.closed, june2.dueForClosure, june2.dueClosed, june2.closureRate]).toEqual([1, 0, 0, null]);
    expect(kpisOf('2026-06-01', '2026-06-02').closureRate).toBe(1);
  });

  it('after a failed check the rework by the same unit keeps the first handling day; a reopen takes the closure back until it closes again', () => {
    const { kpisOf, state } = fold([
      ['report', '2026-06-01T01:00:00.000Z'], ['file', '2026-06-01T01:30:00.000Z'], DISPATCH,
      ['handle', '2026-06-01T03:00:00.000Z'],
      ['check_fail', '2026-06-01T05:00:00.000Z'],
      ['handle', '2026-06-02T03:00:00.000Z'], // rework, 2 June
      ['check_pass', '2026-06-02T05:00:00.000Z'],
      ['reopen', '2026-06-03T02:00:00.000Z'],
    ]);
    const june1 = kpisOf('2026-06-01');
    expect([june1.handled, june1.dueClosed, june1.closureRate]).toEqual([1, 0, 0]);
    // The rework is counted with the case's counted handling (1 June): 返工率 is a share of the handled.
    expect([kpisOf('2026-06-01').rework, kpisOf('2026-06-01').reworkRate]).toEqual([1, 1]);
    expect([kpisOf('2026-06-02').rework, kpisOf('2026-06-02').reworkRate]).toEqual([0, null]);
    expect(state.due_closed_at).toBeNull();

    const again = fold([
      ['report', '2026-06-01T01:00:00.000Z'], ['file', '2026-06-01T01:30:00.000Z'], DISPATCH,
      ['handle', '2026-06-01T03:00:00.000Z'], ['check_pass', '2026-06-01T05:00:00.000Z'],
      ['reopen', '2026-06-03T02:00:00.000Z'], ['check_pass', '2026-06-03T04:00:00.000Z'],
    ]);
    // Closed twice, counted once among the due of 1 June.
    expect(again.kpisOf('2026-06-01', '2026-06-02', '2026-06-03').closed).toBe(2);
    expect(again.kpisOf('2026-06-01').dueClosed).toBe(1);
    expect(again.kpisOf('2026-06-01', '2026-06-02', '2026-06-03').closureRate).toBe(1);
  });
});

/** Folds events into the unit grain: the given counters per [day, unit] (rows where any is non-zero). */
function foldUnits(events: [action: string, at: string, changes?: Record<string, [unknown, unknown]>][], counters = ['handled', 'handled_on_time', 'rework']) {
  const acc = new RollupAccumulator('D');
  let s: FoldState = initialState();
  events.forEach(([action, at, changes], i) => {
    const r = foldEvent({ seq: i + 1, action, from_status: null, to_status: '', actor_user_id: 'u', at, changes: JSON.stringify(changes ?? {}) }, attrs, s);
    s = r.state;
    acc.addEvent(attrs, r.unitId, 'u', at, r.delta);
    for (const x of r.dated) acc.addEvent(attrs, x.unitId ?? r.unitId, 'u', x.at, x.delta);
  });
  const rows = grainRows(acc).get('case_rollups_unit_daily') ?? [];
  const values = (r: Record<string, unknown>) => counters.map((c) => Number(r[c]));
  return Object.fromEntries(rows.filter((r) => values(r).some(Boolean)).map((r) => [`${r.day} ${r.unit_id}`, values(r)]));
}

describe('a case counts once among the handled (应结案), wherever it is handled', () => {
  it('改派 after a failed check: the count moves from the first unit and day to the unit that handles it, and it is not rework', () => {
    const byUnit = foldUnits([
      ['report', '2026-06-01T01:00:00.000Z'], ['file', '2026-06-01T01:30:00.000Z'], DISPATCH,
      ['handle', '2026-06-01T03:00:00.000Z'], // unit, 1 June, on time
      ['check_fail', '2026-06-01T05:00:00.000Z'],
      ['redispatch', '2026-06-02T01:00:00.000Z', { assigned_unit_id: ['unit', 'unit2'], stage_due_at: [null, '2026-06-02T02:00:00.000Z'] }],
      ['handle', '2026-06-02T03:00:00.000Z'], // unit2, 2 June, an hour late
    ]);
    // [handled, handled on time, rework]: 1 June's count of `unit` is taken back (1 − 1 = 0).
    expect(byUnit).toEqual({ '2026-06-02 unit2': [1, 0, 0] });
  });

  it('sent elsewhere and back to the failing unit, its handling is not rework (as the case counts it)', () => {
    const byUnit = foldUnits([
      ['report', '2026-06-01T01:00:00.000Z'], ['file', '2026-06-01T01:30:00.000Z'], DISPATCH,
      ['handle', '2026-06-01T03:00:00.000Z'], ['check_fail', '2026-06-01T05:00:00.000Z'],
      ['redispatch', '2026-06-01T06:00:00.000Z', { assigned_unit_id: ['unit', 'unit2'] }],
      ['redispatch', '2026-06-01T07:00:00.000Z', { assigned_unit_id: ['unit2', 'unit'] }],
      ['handle', '2026-06-01T08:00:00.000Z'],
    ]);
    expect(byUnit).toEqual({ '2026-06-01 unit': [1, 1, 0] });
  });

  it('改派 to someone else in the same unit after a failed check: handled again by that unit, it is rework (as the case counts it)', () => {
    const byUnit = foldUnits([
      ['report', '2026-06-01T01:00:00.000Z'], ['file', '2026-06-01T01:30:00.000Z'], DISPATCH,
      ['handle', '2026-06-01T03:00:00.000Z'], ['check_fail', '2026-06-01T05:00:00.000Z'],
      // The event names the unit even when it stays (transition-case writes it on every dispatch).
      ['redispatch', '2026-06-01T06:00:00.000Z', { assigned_unit_id: ['unit', 'unit'], assigned_user_id: ['a', 'b'] }],
      ['handle', '2026-06-01T08:00:00.000Z'],
    ]);
    expect(byUnit).toEqual({ '2026-06-01 unit': [1, 1, 1] });
  });

  it('a case reworked several times counts once among the reworked: 返工率 never passes 100 %', () => {
    const { kpisOf } = fold([
      ['report', '2026-06-01T01:00:00.000Z'], ['file', '2026-06-01T01:30:00.000Z'], DISPATCH,
      ['handle', '2026-06-01T03:00:00.000Z'], ['check_fail', '2026-06-01T05:00:00.000Z'],
      ['handle', '2026-06-02T03:00:00.000Z'], ['check_fail', '2026-06-02T05:00:00.000Z'],
      ['handle', '2026-06-03T03:00:00.000Z'], ['check_pass', '2026-06-03T05:00:00.000Z'],
    ]);
    const k = kpisOf('2026-06-01', '2026-06-02', '2026-06-03');
    expect([k.handled, k.rework, k.reworkRate]).toEqual([1, 1, 1]);
    for (const d of ['2026-06-02', '2026-06-03']) expect(kpisOf(d).rework).toBe(0);
  });

  it('closed among the due on the unit credited with the handling, not the unit holding the case when it closes', () => {
    const byUnit = foldUnits([
      ['report', '2026-06-01T01:00:00.000Z'], ['file', '2026-06-01T01:30:00.000Z'], DISPATCH,
      ['handle', '2026-06-01T03:00:00.000Z'], ['check_fail', '2026-06-01T05:00:00.000Z'],
      ['redispatch', '2026-06-01T06:00:00.000Z', { assigned_unit_id: ['unit', 'team'] }],
      ['enforcement_close', '2026-06-02T06:00:00.000Z'],
      ['reopen', '2026-06-03T02:00:00.000Z'],
      ['enforcement_close', '2026-06-03T06:00:00.000Z'],
    ], ['handled', 'due_closed']);
    // [handled, due_closed] per day and unit: the team never handled it, so it has nothing due.
    expect(byUnit).toEqual({ '2026-06-01 unit': [1, 1] });
  });

  it('a calendar change that moves the check deadline moves it on the dashboard too', () => {
    const HANDLED = { stage_due_at: [null, '2026-06-02T02:15:00.000Z'] as [unknown, unknown] };
    const { kpisOf } = fold([
      ['report', '2026-06-01T01:00:00.000Z'], ['file', '2026-06-01T01:30:00.000Z'], DISPATCH,
      ['handle', '2026-06-01T02:15:00.000Z', HANDLED],
      ['retime', '2026-06-01T04:00:00.000Z', { stage_due_at: ['2026-06-02T02:15:00.000Z', '2026-06-03T02:15:00.000Z'] }],
      ['check_pass', '2026-06-03T01:00:00.000Z'],
    ], 'handled');
    expect(kpisOf('2026-06-01').dueClosedOnTime).toBe(1);
  });

  it('a handled case reopened and cancelled, or merged, is taken out of the handled', () => {
    const cancelled = fold([
      ['report', '2026-06-01T01:00:00.000Z'], ['file', '2026-06-01T01:30:00.000Z'], DISPATCH,
      ['handle', '2026-06-01T03:00:00.000Z'], ['check_pass', '2026-06-01T05:00:00.000Z'],
      ['reopen', '2026-06-03T02:00:00.000Z'], ['cancel', '2026-06-03T03:00:00.000Z'],
    ]);
    const k = cancelled.kpisOf('2026-06-01', '2026-06-02', '2026-06-03');
    expect([k.handled, k.handledOnTime, k.dueForClosure, k.closed, k.dueClosed, k.cancelled]).toEqual([0, 0, 0, 1, 0, 1]);
    expect(cancelled.state.handled_at).toBeNull();
  });
});
