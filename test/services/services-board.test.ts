import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servicesBoard } from '../../src/domain/dashboard/services-board.js';
import { recordFault } from '../../src/domain/service-terminals/health.js';
import { issueTerminalToken } from '../../src/domain/service-terminals/terminals.js';
import { withCheckDigit } from '../../src/domain/service-records/masking.js';
import { createRecord, stepRecord } from '../../src/domain/service-records/records.js';
import { callNext, issueTicket, stepTicket } from '../../src/domain/service-queue/tickets.js';
import { waitingFigures } from '../../src/domain/service-queue/waiting-figures.js';
import { DIALECTS } from '../helpers/db.js';
import { type TestContext, signInAs } from '../helpers/app.js';
import { actorOf, itemByName, pointByCode, servicesContext } from './helpers.js';

const ID = withCheckDigit('31010519900101005');
const NOW = '2026-05-26T02:30:00Z'; // 10:30 in Shanghai

/**
 * The 一网通办 board against a fixture whose figures are counted by hand (Hongqiao, today
 * 2026-05-26 in Shanghai, the rating window the last 30 days):
 *
 *   record  accepted          decided                 rating                    counts as
 *   R1      05-25 (yesterday) completed today          ★5 today                  finished today; 好评
 *   R2      today             open, due tomorrow       —                         accepted today
 *   R3      today             completed today          ★2 today (case open)      accepted + finished; 差评 open, not yet due
 *   R4      05-20             open, due 05-25          —                         overdue
 *   R5      today             not accepted today       ★3 today                  accepted (not finished); 好评 (基本满意)
 *   R6      04-01             completed 04-01          ★1 on 04-02 (case open)   outside the window; 差评 open and past its deadline
 *   R7      today             completed today          ★1, voided on appeal       accepted + finished; left out of every rating figure
 *   R8      today             completed today          ★2, its case closed        accepted + finished; 差评 in the window, not open
 *   X1      Xianxia, today    open                     —                         Xianxia's row only
 *
 *   Hongqiao: accepted 5 (R2 R3 R5 R7 R8), finished 4 (R1 R3 R7 R8), overdue 1 (R4);
 *   ratings 4 (R1 R3 R5 R8), 好评 2 → 好评率 0.5; 差评 open 2 (R3 R6), past deadline 1 (R6);
 *   terminals monitored 2 (T1, T2), down 1 (T1 reported a fault);
 *   grids 4 (the district plan's first four): built 2, planned 2, none uncovered.
 *
 * Today's queue at YW008-CW01 (and none elsewhere): tickets issued 09:00, 09:01, 09:02; the first
 * called 09:05 (wait 300 s) and served 09:05–09:08 (180 s), the second called 09:11 (wait 600 s)
 * and served 09:11–09:21 (600 s), the third still waiting; yesterday's ticket does not count.
 *   waits 300, 600 → median 450, p90 (nearest rank) 600; services 180, 600 → median 390, p90 600.
 */
describe.each(DIALECTS)('一网通办 board (%s)', (kind) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await servicesContext(kind);
    const db = ctx.handle.db;
    const at = (iso: string) => ctx.clock.set(iso);
    async function record(cadreName: string, pointCode: string, acceptedAt: string) {
      at(acceptedAt);
      const cadre = await actorOf(ctx, cadreName);
      const point = await pointByCode(ctx, pointCode);
      const item = await itemByName(ctx, '居住证签注');
      const out = await db.transaction().execute((trx) =>
        createRecord(trx, ctx.clock, cadre, { pointId: point.id, itemId: item.id, applicant: { name: '吴娟', idNumber: ID, phone: null }, materials: [] }),
      );
      return { id: out.record.id, token: out.ratingToken as string, cadre };
    }
    async function step(r: { id: string; cadre: Awaited<ReturnType<typeof actorOf>> }, when: string, action: 'complete' | 'not_accept') {
      at(when);
      await db.transaction().execute((trx) =>
        stepRecord(trx, ctx.clock, r.cadre, r.id, action === 'complete' ? { version: 1, action, delivery: 'on_site' } : { version: 1, action, reason: '材料不符合受理条件' }),
      );
    }
    async function rate(token: string, when: string, level: number) {
      at(when);
      const res = await ctx.app.inject({ method: 'POST', url: `/api/public/rate/${token}`, payload: { level, comment: level <= 2 ? '等候太久' : null } });
      expect(res.statusCode).toBe(201);
      return res.json() as { id: string; caseId: string | null };
    }
    const setDue = (id: string, due: string) => db.updateTable('service_records').set({ due_at: due }).where('id', '=', id).execute();

    const r6 = await record('cadre01', 'YW008-CW01', '2026-04-01T02:00:00Z');
    await step(r6, '2026-04-01T03:00:00Z', 'complete');
    await rate(r6.token, '2026-04-02T02:00:00Z', 1);
    const r4 = await record('cadre01', 'YW008-CW01', '2026-05-20T02:00:00Z');
    await setDue(r4.id, '2026-05-25T09:30:00.000Z');
    const r1 = await record('cadre01', 'YW008-CW01', '2026-05-25T02:00:00Z');
    await step(r1, '2026-05-26T00:30:00Z', 'complete');
    const r2 = await record('cadre01', 'YW008-CW01', '2026-05-26T00:40:00Z');
    await setDue(r2.id, '2026-05-27T09:30:00.000Z');
    const r3 = await record('cadre01', 'YW008-CW01', '2026-05-26T00:50:00Z');
    await step(r3, '2026-05-26T01:00:00Z', 'complete');
    const r5 = await record('cadre01', 'YW008-CW01', '2026-05-26T01:05:00Z');
    await step(r5, '2026-05-26T01:10:00Z', 'not_accept');
    const r7 = await record('cadre01', 'YW008-CW01', '2026-05-26T01:15:00Z');
    await step(r7, '2026-05-26T01:20:00Z', 'complete');
    const r8 = await record('cadre01', 'YW008-CW01', '2026-05-26T01:25:00Z');
    await step(r8, '2026-05-26T01:30:00Z', 'complete');
    const x1 = await record('xx-cadre01', 'YW010-CW01', '2026-05-26T01:35:00Z');
    await setDue(x1.id, '2026-05-28T09:30:00.000Z');
    await rate(r1.token, '2026-05-26T02:00:00Z', 5);
    await rate(r3.token, '2026-05-26T02:01:00Z', 2);
    await rate(r5.token, '2026-05-26T02:02:00Z', 3);
    const v = await rate(r7.token, '2026-05-26T02:03:00Z', 1);
    await db.updateTable('service_ratings').set({ voided_at: '2026-05-26T02:04:00.000Z' }).where('id', '=', v.id).execute();
    const c8 = await rate(r8.token, '2026-05-26T02:05:00Z', 2);
    await db.updateTable('cases').set({ status: 'closed', closed_at: '2026-05-26T02:06:00.000Z' }).where('id', '=', c8.caseId!).execute();
    {
      const cadre = await actorOf(ctx, 'cadre01');
      const point = await pointByCode(ctx, 'YW008-CW01');
      const item = (await itemByName(ctx, '居住证签注')).id;
      const tx = <T>(f: (trx: typeof db) => Promise<T>) => db.transaction().execute(f);
      at('2026-05-25T01:00:00Z');
      await tx((trx) => issueTicket(trx, ctx.clock.now(), point, item, { userId: cadre.userId }));
      for (const t of ['2026-05-26T01:00:00Z', '2026-05-26T01:01:00Z', '2026-05-26T01:02:00Z']) {
        at(t);
        await tx((trx) => issueTicket(trx, ctx.clock.now(), point, item, { userId: cadre.userId }));
      }
      for (const [called, done] of [['2026-05-26T01:05:00Z', '2026-05-26T01:08:00Z'], ['2026-05-26T01:11:00Z', '2026-05-26T01:21:00Z']] as const) {
        at(called);
        const c = (await tx((trx) => callNext(trx, ctx.clock, cadre, { pointId: point.id })))!;
        await tx((trx) => stepTicket(trx, ctx.clock, cadre, c.id, 'start'));
        at(done);
        await tx((trx) => stepTicket(trx, ctx.clock, cadre, c.id, 'finish'));
      }
    }
    at(NOW);
    const admin = await actorOf(ctx, 'district-admin');
    for (const code of ['YW008-T1', 'YW008-T2']) {
      const p = await pointByCode(ctx, code);
      const { token } = await db.transaction().execute((trx) => issueTerminalToken(trx, ctx.clock, admin, p.id));
      if (code === 'YW008-T1') await db.transaction().execute((trx) => recordFault(trx, ctx.clock, token, { code: 'E-PRINTER', text: '打印机缺纸' }));
    }
  }, 90_000);
  afterAll(async () => ctx?.close());

  const hq = () => ctx.handle.db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow();

  it("the subdistrict's row matches the hand count", async () => {
    const operator = await signInAs(ctx.app, 'operator');
    const res = await ctx.app.inject({ method: 'GET', url: '/api/dashboard/services', headers: { cookie: operator } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.date).toBe('2026-05-26');
    expect(body.ratingWindow).toMatchObject({ days: 30, from: '2026-04-26T02:30:00.000Z' });
    expect(body.subdistricts).toHaveLength(1);
    const row = body.subdistricts[0];
    expect(row.subdistrictId).toBe((await hq()).id);
    expect(row.records).toEqual({ acceptedToday: 5, finishedToday: 4, overdue: 1 });
    expect(row.ratings).toEqual({ total: 4, good: 2, bad: 2, goodRate: 0.5 });
    expect(row.badRatings).toEqual({ open: 2, pastDue: 1 });
    expect(row.terminals).toEqual({ monitored: 2, down: 1 });
    expect(row.zones).toMatchObject({ grids: 4, builtGrids: 2, plannedGrids: 2, uncoveredGrids: 0 });
    expect(row.zones.perGrid).toHaveLength(4);
    expect(row.zones.perGrid.map((g: { state: string }) => g.state).sort()).toEqual(['built', 'built', 'planned', 'planned']);
    expect(body.totals.records).toEqual(row.records);
    const point = await pointByCode(ctx, 'YW008-CW01');
    expect(row.waits).toEqual([{
      pointId: point.id, name: point.name, kind: point.kind, tickets: 3, called: 2, served: 2, waitMedianS: 450, waitP90S: 600, serviceMedianS: 390, serviceP90S: 600,
    }]);
    // The same figures as the waiting-times report (one computation).
    const report = await waitingFigures(ctx.handle.db, ctx.clock, await actorOf(ctx, 'operator'), { from: '2026-05-26', to: '2026-05-26' });
    expect(report.byPoint).toHaveLength(1);
    expect(report.byPoint[0]).toMatchObject({ tickets: 3, waitMedianS: 450, waitP90S: 600, serviceMedianS: 390, serviceP90S: 600 });
  });

  it('is scoped like the dashboard: a district sees every subdistrict, a committee its windows, others are refused', async () => {
    const district = await actorOf(ctx, 'district-admin');
    const all = await servicesBoard(ctx.handle.db, ctx.clock, district);
    const hqRow = all.subdistricts.find((s) => s.name === '虹桥街道')!;
    expect(hqRow.records).toEqual({ acceptedToday: 5, finishedToday: 4, overdue: 1 });
    const xx = all.subdistricts.find((s) => s.name === '仙霞新村街道')!;
    expect(xx.records).toEqual({ acceptedToday: 1, finishedToday: 0, overdue: 0 });
    expect(all.totals!.records.acceptedToday).toBe(all.subdistricts.reduce((s, r) => s + r.records.acceptedToday, 0));
    // A committee cadre: their window's records and ratings; the centre's terminals are not theirs.
    const cadre = await actorOf(ctx, 'cadre01');
    const mine = await servicesBoard(ctx.handle.db, ctx.clock, cadre);
    expect(mine.subdistricts).toHaveLength(1);
    expect(mine.subdistricts[0]!.records).toEqual({ acceptedToday: 5, finishedToday: 4, overdue: 1 });
    expect(mine.subdistricts[0]!.terminals).toEqual({ monitored: 0, down: 0 });
    expect(mine.subdistricts[0]!.waits.map((w) => w.tickets)).toEqual([3]);
    expect(xx.waits).toEqual([]);
    const cadre2 = await actorOf(ctx, 'cadre02');
    const theirs = (await servicesBoard(ctx.handle.db, ctx.clock, cadre2)).subdistricts[0]!;
    expect(theirs.records).toEqual({ acceptedToday: 0, finishedToday: 0, overdue: 0 });
    expect(theirs.waits).toEqual([]);
    // Another subdistrict's figures are not found; a patrol officer may not read the dashboard.
    const operator = await signInAs(ctx.app, 'xx-operator');
    const res = await ctx.app.inject({ method: 'GET', url: `/api/dashboard/services?subdistrictId=${(await hq()).id}`, headers: { cookie: operator } });
    expect(res.statusCode).toBe(404);
    const patrol = await signInAs(ctx.app, 'patrol1');
    expect((await ctx.app.inject({ method: 'GET', url: '/api/dashboard/services', headers: { cookie: patrol } })).statusCode).toBe(403);
    const bad = await ctx.app.inject({ method: 'GET', url: '/api/dashboard/services?ratingDays=0', headers: { cookie: await signInAs(ctx.app, 'operator') } });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('ratingDays');
  });

  it('the rating window is a parameter: over 60 days the 差评 of 2 April counts too', async () => {
    const leader = await actorOf(ctx, 'leader');
    const b = await servicesBoard(ctx.handle.db, ctx.clock, leader, { ratingDays: 60 });
    expect(b.subdistricts[0]!.ratings).toEqual({ total: 5, good: 2, bad: 3, goodRate: 0.4 });
  });
});
