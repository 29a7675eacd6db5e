import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/auth/actor.js';
import { callNext, issueTicket, stepTicket } from '../../src/domain/service-queue/tickets.js';
import { median, percentile, waitingFigures } from '../../src/domain/service-queue/waiting-figures.js';
import { DIALECTS } from '../helpers/db.js';
import { type TestContext, signInAs } from '../helpers/app.js';
import { actorOf, itemByName, pointByCode, servicesContext } from './helpers.js';

describe('median and nearest-rank percentile', () => {
  it('hand-computed values', () => {
    expect(median([])).toBeNull();
    expect(median([300, 60, 600, 240])).toBe(270);
    expect(median([5, 1, 3])).toBe(3);
    expect(percentile([300, 60, 600, 240], 90)).toBe(600);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([7], 90)).toBe(7);
  });
  it('p is the smallest value with at least p % of the values at or below it (property)', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 100 }), (xs, p) => {
      const v = percentile(xs, p)!;
      expect(xs).toContain(v);
      expect(xs.filter((x) => x <= v).length / xs.length).toBeGreaterThanOrEqual(p / 100);
      expect(xs.filter((x) => x < v).length / xs.length).toBeLessThan(p / 100);
    }));
  });
});

describe.each(DIALECTS)('waiting and service figures (%s)', (kind) => {
  let ctx: TestContext;
  let cadre: Actor;
  beforeAll(async () => {
    ctx = await servicesContext(kind);
    cadre = await actorOf(ctx, 'cadre01');
  }, 60_000);
  afterAll(async () => ctx?.close());

  it('per point, item and day, against a hand-computed fixture', async () => {
    const db = ctx.handle.db;
    const point = await pointByCode(ctx, 'YW008-CW01');
    const a = (await itemByName(ctx, '居住证签注')).id;
    const b = (await itemByName(ctx, '最低生活保障申请')).id;
    const at = (hhmm: string) => ctx.clock.set(`2026-05-26T${String(Number(hhmm.slice(0, 2)) - 8).padStart(2, '0')}:${hhmm.slice(3)}:00Z`);
    const tx = <T>(f: (trx: typeof db) => Promise<T>) => db.transaction().execute(f);
    // Issued 09:00 (A), 09:01 (B), 09:02 (A), 09:05 (A).
    const issued = [];
    for (const [t, item] of [['09:00', a], ['09:01', b], ['09:02', a], ['09:05', a]] as const) {
      at(t);
      issued.push(await tx((trx) => issueTicket(trx, ctx.clock.now(), point, item, { userId: cadre.userId })));
    }
    const call = async (t: string) => {
      at(t);
      return (await tx((trx) => callNext(trx, ctx.clock, cadre, { pointId: point.id })))!;
    };
    const step = async (t: string, id: string, s: 'start' | 'finish' | 'skip') => {
      at(t);
      await tx((trx) => stepTicket(trx, ctx.clock, cadre, id, s));
    };
    // #1 A: called 09:05 (wait 300 s), served 09:05–09:08 (180 s).
    let c = await call('09:05');
    await step('09:05', c.id, 'start');
    await step('09:08', c.id, 'finish');
    // #2 B: called 09:09 (wait 480 s), served 09:09–09:16 (420 s).
    c = await call('09:09');
    await step('09:09', c.id, 'start');
    await step('09:16', c.id, 'finish');
    // #3 A: called 09:12 (wait 600 s), skipped (nobody came).
    c = await call('09:12');
    await step('09:13', c.id, 'skip');
    // #4 A: called 09:17 (wait 720 s), served 09:18–09:20 (120 s).
    c = await call('09:17');
    await step('09:18', c.id, 'start');
    await step('09:20', c.id, 'finish');
    expect(c.id).toBe(issued[3]!.id);

    const f = await waitingFigures(db, ctx.clock, cadre, { from: '2026-05-26', to: '2026-05-26', pointId: point.id });
    const rowA = f.byItem.find((r) => r.itemId === a)!;
    const rowB = f.byItem.find((r) => r.itemId === b)!;
    // A: waits 300, 600, 720 → median 600, p90 720; services 180, 120 → median 150, p90 180.
    expect(rowA).toMatchObject({ day: '2026-05-26', tickets: 3, walkIns: 3, called: 3, served: 2, skipped: 1, waitMedianS: 600, waitP90S: 720, serviceMedianS: 150, serviceP90S: 180 });
    expect(rowB).toMatchObject({ tickets: 1, called: 1, served: 1, skipped: 0, waitMedianS: 480, waitP90S: 480, serviceMedianS: 420, serviceP90S: 420 });
    // The point over all items: waits 300, 480, 600, 720 → median 540, p90 720; services 120, 180, 420 → median 180, p90 420.
    expect(f.byPoint).toHaveLength(1);
    expect(f.byPoint[0]).toMatchObject({ pointId: point.id, itemId: null, tickets: 4, called: 4, served: 3, skipped: 1, waitMedianS: 540, waitP90S: 720, serviceMedianS: 180, serviceP90S: 420 });

    // Through the API; another committee's cadre sees none of it; the range is checked.
    const cookie = await signInAs(ctx.app, 'leader');
    const res = await ctx.app.inject({ url: `/api/services/reports/waiting-times?from=2026-05-26&to=2026-05-26&pointId=${point.id}`, headers: { cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.json().byPoint[0]).toMatchObject({ waitMedianS: 540, serviceP90S: 420 });
    const other = await signInAs(ctx.app, 'cadre02');
    expect((await ctx.app.inject({ url: '/api/services/reports/waiting-times?from=2026-05-26&to=2026-05-26', headers: { cookie: other } })).json().byPoint).toEqual([]);
    const wide = await ctx.app.inject({ url: '/api/services/reports/waiting-times?from=2026-01-01&to=2026-05-26', headers: { cookie } });
    expect(wide.statusCode).toBe(400);
    expect(wide.json().error.details.fields[0]).toMatchObject({ field: 'to', reason: 'at most 93 days' });
    // A page of points: one point per page here, the next page after it is empty.
    const paged = await ctx.app.inject({ url: `/api/services/reports/waiting-times?from=2026-05-26&to=2026-05-26&pointId=${point.id}&limit=1`, headers: { cookie } });
    expect(paged.json()).toMatchObject({ nextCursor: null, byPoint: [{ pointId: point.id, waitMedianS: 540 }] });
    const after = await ctx.app.inject({ url: `/api/services/reports/waiting-times?from=2026-05-26&to=2026-05-26&pointId=${point.id}&after=${point.id}`, headers: { cookie } });
    expect(after.json()).toMatchObject({ nextCursor: null, byItem: [], byPoint: [] });
    for (const limit of ['0', '1001', 'x']) {
      const bad = await ctx.app.inject({ url: `/api/services/reports/waiting-times?limit=${limit}`, headers: { cookie } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.details.fields[0].field).toBe('limit');
    }
    ctx.clock.set('2026-05-26T02:30:00Z');
  });
});
