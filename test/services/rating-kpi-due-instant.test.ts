import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servicesBoard } from '../../src/domain/dashboard/services-board.js';
import { badRatingKpi } from '../../src/domain/service-ratings/followups.js';
import { withCheckDigit } from '../../src/domain/service-records/masking.js';
import { createRecord, stepRecord } from '../../src/domain/service-records/records.js';
import { DIALECTS } from '../helpers/db.js';
import type { TestContext } from '../helpers/app.js';
import { actorOf, itemByName, pointByCode, servicesContext } from './helpers.js';

/**
 * A 差评 handled at its deadline's very instant is handled on time (the case desk's rule: late is
 * after the due time), so until that instant has passed it is not yet due in the KPI — as the
 * services board does not count it past due.
 */
describe.each(DIALECTS)('the 差评 KPI and the board agree at the deadline\'s instant (%s)', (kind) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await servicesContext(kind);
  }, 60_000);
  afterAll(async () => ctx?.close());

  it('not due at the instant of its deadline, due and late just after it', async () => {
    const db = ctx.handle.db;
    const [cadre, operator] = [await actorOf(ctx, 'cadre01'), await actorOf(ctx, 'operator')];
    const point = await pointByCode(ctx, 'YW008-CW01');
    const { id: itemId } = await itemByName(ctx, '居住登记');
    const { ratingToken } = await db.transaction().execute(async (trx) => {
      const out = await createRecord(trx, ctx.clock, cadre, { pointId: point.id, itemId, applicant: { name: '吴娟', idNumber: withCheckDigit('31010519900101005'), phone: '13700000000' }, materials: [] });
      await stepRecord(trx, ctx.clock, cadre, out.record.id, { version: 1, action: 'complete', delivery: 'on_site' });
      return out;
    });
    const bad = (await ctx.app.inject({ method: 'POST', url: `/api/public/rate/${ratingToken}`, payload: { level: 2, comment: '排队太久' } })).json();
    const { handle_due_at: due } = await db.selectFrom('cases').select('handle_due_at').where('id', '=', bad.caseId).executeTakeFirstOrThrow();
    const at = Date.parse(due!);
    // Only the 差评 due at that instant (the window is one millisecond wide).
    const window = { from: new Date(at).toISOString(), to: new Date(at + 1).toISOString() };
    const look = async (t: number) => {
      ctx.clock.set(new Date(t).toISOString());
      const kpi = await badRatingKpi(db, ctx.clock, operator, window);
      const board = (await servicesBoard(db, ctx.clock, operator, {})).totals!.badRatings;
      return { due: kpi.due, late: kpi.due - kpi.onTime, pastDue: board.pastDue };
    };
    const before = await look(at - 1);
    const atDeadline = await look(at);
    const after = await look(at + 1);
    expect(atDeadline).toEqual(before);
    expect(after).toEqual({ due: before.due + 1, late: before.late + 1, pastDue: before.pastDue + 1 });
    ctx.clock.set('2026-05-26T02:30:00Z');
  });
});
