import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '../../src/domain/service-records/masking.js';
import { createRecord, stepRecord } from '../../src/domain/service-records/records.js';
import { DIALECTS } from '../helpers/db.js';
import { type TestContext, signInAs } from '../helpers/app.js';
import { actorOf, itemByName, pointByCode, servicesContext } from './helpers.js';

/** The same instant written with Shanghai's offset, as a console in Shanghai may send it. */
const inShanghai = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().replace('Z', '+08:00');

describe.each(DIALECTS)('好差评 lists and KPI read time bounds with any offset (%s)', (kind) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await servicesContext(kind);
  }, 60_000);
  afterAll(async () => ctx?.close());

  it('a bound with +08:00 selects the same ratings and 差评 as the same instant in UTC', async () => {
    // 04:00 on 26 May in Shanghai is still 25 May in UTC: text comparison of the two forms disagrees.
    ctx.clock.set('2026-05-25T20:00:00Z');
    const cadre = await actorOf(ctx, 'cadre01');
    const point = await pointByCode(ctx, 'YW008-CW01');
    const item = await itemByName(ctx, '居住证签注');
    const served = await ctx.handle.db.transaction().execute(async (trx) => {
      const out = await createRecord(trx, ctx.clock, cadre, { pointId: point.id, itemId: item.id, applicant: { name: '吴娟', idNumber: withCheckDigit('31010519900101005') }, materials: [] });
      await stepRecord(trx, ctx.clock, cadre, out.record.id, { version: 1, action: 'complete', delivery: 'on_site' });
      return out;
    });
    const rated = await ctx.app.inject({ method: 'POST', url: `/api/public/rate/${served.ratingToken}`, payload: { level: 1, comment: '态度差' } });
    expect(rated.statusCode).toBe(201);
    const { id: ratingId, caseId } = rated.json();
    const cookie = await signInAs(ctx.app, 'operator');
    const ids = async (query: string) => {
      const res = await ctx.app.inject({ method: 'GET', url: `/api/services/ratings?${query}`, headers: { cookie } });
      expect(res.statusCode).toBe(200);
      return (res.json().items as { id: string }[]).map((r) => r.id);
    };
    const ratedAt = '2026-05-25T20:00:00.000Z';
    for (const at of [ratedAt, inShanghai(ratedAt)]) {
      expect(await ids(`from=${encodeURIComponent(at)}`)).toContain(ratingId);
      expect(await ids(`to=${encodeURIComponent(at)}`)).not.toContain(ratingId);
    }

    const c = await ctx.handle.db.selectFrom('cases').select('handle_due_at').where('id', '=', caseId).executeTakeFirstOrThrow();
    const due = c.handle_due_at!;
    const after = new Date(Date.parse(due) + 60_000).toISOString();
    for (const [from, to] of [[due, after], [inShanghai(due), inShanghai(after)]]) {
      const kpi = await ctx.app.inject({ method: 'GET', url: `/api/services/ratings/kpi?from=${encodeURIComponent(from!)}&to=${encodeURIComponent(to!)}`, headers: { cookie } });
      expect(kpi.statusCode).toBe(200);
      expect(kpi.json()).toMatchObject({ open: 1, due: 0 });
    }
    ctx.clock.set('2026-05-26T02:30:00Z');
  });
});
