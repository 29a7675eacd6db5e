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
  describe(`KPIs by the case, from a hand-computed workload [${dialect}]`, () => {
    let f: CaseFixture;
    let operator: string;
    beforeAll(async () => {
      f = await caseFixture(dialect);
    });
    afterAll(async () => f.ctx.close());

    it('counts each case once in 应结案 and 按期处置: 改派 is not rework, holds and cancellations are out, overdue-unhandled is in', async () => {
      const { actors: a, units } = f;
      const db = f.ctx.handle.db;
      const clock = f.ctx.clock;
      clock.set('2026-06-01T01:00:00Z'); // Monday 09:00 in Shanghai
      const tick = () => clock.advance(5 * 60_000);
      const v = new Map<string, number>();
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
      const toUnit = async (id: string, unitId = units.handler1) => {
        await act(a.operator, id, 'file');
        await act(a.operator, id, 'dispatch', { unitId });
      };

      // Every handling below happens minutes after its dispatch: on time, unless said otherwise.
      const c1 = await report(); // plain: handled, closed
      await toUnit(c1);
      await handle(a.handler1, c1);
      await act(a.patrol1, c1, 'check_pass');

      const c2 = await report(); // rework: failed check, the SAME unit handles again
      await toUnit(c2);
      await handle(a.handler1, c2);
      await act(a.patrol1, c2, 'check_fail', { note: '仍有混投' });
      await handle(a.handler1, c2);
      await act(a.patrol1, c2, 'check_pass');

      const c3 = await report(); // 改派 after a failed check: unit 2 handles; not rework, counted once (for unit 2)
      await toUnit(c3);
      await handle(a.handler1, c3);
      await act(a.patrol1, c3, 'check_fail', { note: '仍有混投' });
      await act(a.operator, c3, 'redispatch', { unitId: units.handler2, reason: '改派物业二' });
      await handle(a.handler2, c3);
      await act(a.patrol1, c3, 'check_pass');

      const c4 = await report(); // 改派 before any handling; unit 2 handles; the check never comes (overdue at the check stage)
      await toUnit(c4);
      await act(a.operator, c4, 'redispatch', { unitId: units.handler2, reason: '非本单位职责' });
      await handle(a.handler2, c4);

      const c5 = await report(); // dispatched, never handled: overdue-unhandled
      await toUnit(c5);

      const c6 = await report(); // on hold: out, however long the hold lasts
      await toUnit(c6);
      await act(a.handler1, c6, 'request_hold', { reason: '需业委会决议' });
      await act(a.operator, c6, 'approve_hold');

      const c7 = await report(); // extended to 20 June: not yet due on 15 June (without it, overdue-unhandled)
      await toUnit(c7);
      await act(a.handler1, c7, 'request_extension', { dueAt: '2026-06-20T09:00:00Z', reason: '需采购新桶' });
      await act(a.operator, c7, 'approve_extension');

      const c8 = await report(); // cancelled before dispatch: out
      await act(a.operator, c8, 'cancel', { reason: '重复上报' });

      const c9 = await report(); // handled, closed, reopened, then cancelled: taken out again
      await toUnit(c9);
      await handle(a.handler1, c9);
      await act(a.patrol1, c9, 'check_pass');
      await act(a.operator, c9, 'reopen', { reason: '市民再次反映' });
      await act(a.operator, c9, 'cancel', { reason: '已由他案处理' });

      const c10 = await report(); // reopened and handled again by the same unit: due once, closed twice
      await toUnit(c10);
      await handle(a.handler1, c10);
      await act(a.patrol1, c10, 'check_pass');
      await act(a.operator, c10, 'reopen', { reason: '又有堆放' });
      await act(a.operator, c10, 'dispatch', { unitId: units.handler1 });
      await handle(a.handler1, c10);
      await act(a.patrol1, c10, 'check_pass');

      tick();
      await f.report(a.patrol1, { source: 'self_resolved', photoIds: [await f.photo(a.patrol1)], afterPhotoIds: [await f.photo(a.patrol1)] });

      clock.set('2026-06-15T01:00:00Z'); // past every handling and checking limit, before c7's extended one
      await sweepCaseDeadlines(db, clock);
      while ((await foldPendingEvents(db, clock)).length);
      operator = await signInAs(f.ctx.app, 'operator'); // the earlier session expired during the fortnight

      const res = await f.ctx.app.inject({ method: 'GET', url: `/api/dashboard/summary?subdistrictId=${f.hq}&window=custom&from=2026-06-01&to=2026-06-15`, headers: { cookie: operator } });
      expect(res.statusCode).toBe(200);
      const k = res.json().kpis;
      expect(k.found).toBe(11); // c1..c10 reported + 1 self-resolved
      expect(k.reported).toBe(10);
      expect(k.selfResolved).toBe(1);
      // handled = c1, c2 (once, though handled twice), c3 (once, by unit 2), c4, c10 (once, though handled twice) = 5;
      // c9 was handled but then cancelled; c5, c6, c7, c8 never handled.
      expect(k.handled).toBe(5);
      expect(k.handledOnTime).toBe(5); // each within minutes of its dispatch
      expect(k.overdueUnhandled).toBe(1); // c5; c6 is on hold, c7 extended past the 15th
      expect(k.dueForClosure).toBe(6); // 5 handled + 1 overdue-unhandled
      expect(k.dueForHandling).toBe(6);
      expect(k.rework).toBe(1); // c2; c3's second handling was by another unit (改派)
      expect(k.reworkRate).toBeCloseTo(1 / 5); // rework / handled
      expect(k.closed).toBe(6); // closing events: c1, c2, c3, c9, c10 twice
      expect(k.dueClosed).toBe(4); // of the 6 due, closed now: c1, c2, c3, c10 (c4 awaits its check, c5 open)
      expect(k.dueClosedOnTime).toBe(4); // none of the four was ever overdue
      expect(k.closureRate).toBeCloseTo(4 / 6);
      expect(k.onTimeClosureRate).toBeCloseTo(4 / 6);
      expect(k.onTimeHandlingRate).toBeCloseTo(5 / 6);
      expect(k.redispatched).toBe(2); // c3, c4
      expect(k.reopened).toBe(2); // c9, c10
      expect(k.cancelled).toBe(2); // c8, c9
      expect(k.holds).toBe(1); // c6
      expect(k.extensions).toBe(1); // c7
      expect(k.overdueMarked).toBe(2); // c5 (handling) and c4 (checking)
      const open = res.json().open;
      expect(open.byStatus).toMatchObject({ dispatched: 2, handled: 1, on_hold: 1 }); // c5, c7 | c4 | c6

      // The case's own counters say the same.
      const sums = await db.selectFrom('cases')
        .select((eb) => [eb.fn.sum<number>('rework_count').as('rework'), eb.fn.sum<number>('redispatch_count').as('redispatched'),
          eb.fn.sum<number>('reopen_count').as('reopened'), eb.fn.sum<number>('extension_count').as('extensions')])
        .where('subdistrict_id', '=', f.hq).executeTakeFirstOrThrow();
      expect(Object.fromEntries(Object.entries(sums).map(([x, n]) => [x, Number(n)]))).toEqual({ rework: k.rework, redispatched: k.redispatched, reopened: k.reopened, extensions: k.extensions });
      const handledCases = await db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n'))
        .where('subdistrict_id', '=', f.hq).where('handled_at', 'is not', null).where('source', '!=', 'self_resolved').executeTakeFirstOrThrow();
      expect(Number(handledCases.n)).toBe(k.handled);

      // By handling unit: unit 1 handled c1, c2, c10 (c3 moved to unit 2, c9 cancelled) and owns c5, overdue;
      // unit 2 handled c3 and c4.
      const ranked = await f.ctx.app.inject({ method: 'GET', url: `/api/dashboard/rankings?of=unit&subdistrictId=${f.hq}&window=custom&from=2026-06-01&to=2026-06-15`, headers: { cookie: operator } });
      const rows = ranked.json().rows as { id: string; kpis: { handled: number; rework: number; dueForClosure: number; dueClosed: number } }[];
      expect(rows.find((r) => r.id === units.handler1)?.kpis).toMatchObject({ handled: 3, rework: 1, dueForClosure: 4, dueClosed: 3 });
      expect(rows.find((r) => r.id === units.handler2)?.kpis).toMatchObject({ handled: 2, rework: 0, dueForClosure: 2, dueClosed: 1 });
    }, 90_000);
  });
}
