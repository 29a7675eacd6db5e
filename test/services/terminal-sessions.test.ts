import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { median, percentile } from '../../src/domain/service-queue/waiting-figures.js';
import { issueTerminalToken } from '../../src/domain/service-terminals/terminals.js';
import { type TestContext, signInAs } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { actorOf, pointByCode, servicesContext } from './helpers.js';

const MINUTE = 60_000;
/** A Shanghai wall time on a day, as an instant. */
const at = (day: string, hhmm: string) => new Date(`${day}T${hhmm}:00+08:00`);

// A self-service terminal reports each session a resident ran on it; the sessions' lengths are the
// terminal's service times in the waiting and service figures ("three minutes at the terminal").
describe.each(DIALECTS)('self-service terminal sessions (%s)', (kind) => {
  let ctx: TestContext;
  let token: string;
  let pointId: string;
  let itemCode: string;
  let otherCode: string;

  beforeAll(async () => {
    ctx = await servicesContext(kind);
    const p = await pointByCode(ctx, 'YW008-T1');
    pointId = p.id;
    const a = await actorOf(ctx, 'district-admin');
    token = (await ctx.handle.db.transaction().execute((trx) => issueTerminalToken(trx, ctx.clock, a, p.id))).token;
    const offered = await ctx.handle.db.selectFrom('service_point_items as pi').innerJoin('service_items as i', 'i.id', 'pi.item_id').select('i.impl_code').where('pi.point_id', '=', p.id).orderBy('i.impl_code').execute();
    itemCode = offered[0]!.impl_code;
    const notOffered = await ctx.handle.db.selectFrom('service_items').select('impl_code').where('impl_code', 'not in', offered.map((o) => o.impl_code)).orderBy('impl_code').executeTakeFirstOrThrow();
    otherCode = notOffered.impl_code;
  }, 60_000);
  afterAll(async () => ctx?.close());

  const send = (body: Record<string, unknown>, auth = `Bearer ${token}`) =>
    ctx.app.inject({ method: 'POST', url: '/api/terminals/sessions', headers: { authorization: auth }, payload: body });
  const session = (id: string, start: Date, seconds: number, outcome: 'done' | 'abandoned' = 'done') => ({
    sessionId: id, itemCode, startedAt: start.toISOString(), finishedAt: new Date(start.getTime() + seconds * 1000).toISOString(), outcome,
  });
  const stored = async () => Number((await ctx.handle.db.selectFrom('service_terminal_sessions').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const figures = async (day: string) => {
    // Signed in afresh: the clock moves by days between runs, past any idle session.
    const cookie = await signInAs(ctx.app, 'admin');
    const res = await ctx.app.inject({ method: 'GET', url: `/api/services/reports/waiting-times?from=${day}&to=${day}&pointId=${pointId}`, headers: { cookie } });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { byPoint: { day: string; served: number; selfService: number; tickets: number; serviceMedianS: number | null; serviceP90S: number | null }[] };
  };

  it('stores a session once, however often the terminal sends it, and its length is a service time of the terminal', async () => {
    ctx.clock.set(at('2026-05-26', '16:00').toISOString());
    const a = await send(session('sess-0001', at('2026-05-26', '10:02'), 150));
    expect(a.statusCode, a.body).toBe(200);
    expect(a.json()).toMatchObject({ pointId, day: '2026-05-26', seconds: 150, outcome: 'done', duplicate: false });
    const again = await send(session('sess-0001', at('2026-05-26', '10:02'), 150));
    expect(again.json()).toMatchObject({ id: a.json().id, duplicate: true });
    expect((await send(session('sess-0002', at('2026-05-26', '11:40'), 180))).statusCode).toBe(200);
    expect((await send(session('sess-0003', at('2026-05-26', '14:15'), 240))).statusCode).toBe(200);
    // Walked away half-way: stored, but not a service.
    expect((await send(session('sess-0004', at('2026-05-26', '15:00'), 40, 'abandoned'))).statusCode).toBe(200);
    expect(await stored()).toBe(4);
    const [row] = (await figures('2026-05-26')).byPoint;
    expect(row).toMatchObject({ day: '2026-05-26', tickets: 0, served: 3, selfService: 3, serviceMedianS: 180, serviceP90S: 240 });
  });

  it('the figures of any day are the median and p90 of the completed sessions reported for it', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ seconds: fc.integer({ min: 20, max: 1800 }), done: fc.boolean() }), { minLength: 1, maxLength: 12 }), async (xs) => {
        // A day of its own for each run (the clock the evening after, within the 7 days accepted).
        const day = new Date(Date.UTC(2026, 5, 1 + run)).toISOString().slice(0, 10);
        run++;
        ctx.clock.set(at(day, '21:00').toISOString());
        for (const [i, x] of xs.entries()) {
          const res = await send(session(`p${run}-${i}-xxxxxx`, new Date(at(day, '09:00').getTime() + i * 20 * MINUTE), x.seconds, x.done ? 'done' : 'abandoned'));
          expect(res.statusCode, res.body).toBe(200);
        }
        const done = xs.filter((x) => x.done).map((x) => x.seconds);
        const row = (await figures(day)).byPoint.find((r) => r.day === day);
        if (!done.length) expect(row).toBeUndefined();
        else expect(row).toMatchObject({ served: done.length, selfService: done.length, serviceMedianS: median(done), serviceP90S: percentile(done, 90) });
      }),
      { numRuns: 15 },
    );
  });

  it('refuses bad reports with a 400 naming the field (nothing stored), an unknown token with 401', async () => {
    ctx.clock.set(at('2026-05-26', '16:00').toISOString());
    const before = await stored();
    const start = at('2026-05-26', '12:00');
    const cases: [Record<string, unknown>, string][] = [
      [{ ...session('bad-00001', start, 60), finishedAt: new Date(start.getTime() - MINUTE).toISOString() }, 'finishedAt'],
      [session('bad-00002', start, 5 * 3600), 'finishedAt'],
      [session('bad-00003', at('2026-05-26', '15:59'), 600), 'finishedAt'],
      [session('bad-00004', at('2026-05-18', '10:00'), 60), 'startedAt'],
      [{ ...session('bad-00005', start, 60), itemCode: otherCode }, 'itemCode'],
      [session('no spaces allowed', start, 60), 'sessionId'],
      [{ ...session('bad-00007', start, 60), startedAt: '2026-05-26 12:00' }, 'startedAt'],
      [{ ...session('bad-00008', start, 60), outcome: 'maybe' }, 'outcome'],
    ];
    for (const [body, field] of cases) {
      const res = await send(body);
      expect(res.statusCode, `${field}: ${res.body}`).toBe(400);
      expect(res.json().error.details.fields.map((f: { field: string }) => f.field)).toContain(field);
    }
    expect((await send(session('bad-00009', start, 60), 'Bearer clt_unknown')).statusCode).toBe(401);
    expect((await send(session('bad-00010', start, 60), '')).statusCode).toBe(401);
    expect(await stored()).toBe(before);
  });
});
