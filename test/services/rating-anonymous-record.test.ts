import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '../../src/domain/service-records/masking.js';
import { createRecord, stepRecord } from '../../src/domain/service-records/records.js';
import { DIALECTS } from '../helpers/db.js';
import { type TestContext, signInAs } from '../helpers/app.js';
import { actorOf, itemByName, pointByCode, servicesContext } from './helpers.js';

/**
 * An anonymous rater is named to nobody (国办发〔2019〕51号: raters' data protected, no pressure on
 * them): the 差评 goes to the person rated, and neither its case, its notice nor the ratings list
 * may lead that person to the record of the service — whose page names the applicant.
 */
describe.each(DIALECTS)('an anonymous 差评 does not lead the person rated to the rater (%s)', (kind) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await servicesContext(kind);
  }, 60_000);
  afterAll(async () => ctx?.close());

  it('the case, its notice and the ratings list of the person rated name no record; the desk (who reviews appeals) still finds it; a named 差评 is unchanged', async () => {
    const db = ctx.handle.db;
    const cadre = await actorOf(ctx, 'cadre01');
    const point = await pointByCode(ctx, 'YW008-CW01');
    const item = await itemByName(ctx, '居住证签注');
    const rate = async (anonymous: boolean) => {
      const served = await db.transaction().execute(async (trx) => {
        const out = await createRecord(trx, ctx.clock, cadre, { pointId: point.id, itemId: item.id, applicant: { name: '吴娟', idNumber: withCheckDigit('31010519900101005'), phone: '13712345678' }, materials: [] });
        await stepRecord(trx, ctx.clock, cadre, out.record.id, { version: 1, action: 'complete', delivery: 'on_site' });
        return out;
      });
      const res = await ctx.app.inject({ method: 'POST', url: `/api/public/rate/${served.ratingToken}`, payload: { level: 1, comment: '态度生硬', anonymous } });
      expect(res.statusCode).toBe(201);
      return { record: served.record, rating: res.json() as { id: string; caseId: string } };
    };
    const ratingsAs = async (username: string) =>
      ((await ctx.app.inject({ method: 'GET', url: '/api/services/ratings?bad=true', headers: { cookie: await signInAs(ctx.app, username) } })).json().items as { id: string; recordId: string | null }[]);
    const inbox = async (caseId: string) =>
      ((await ctx.app.inject({ method: 'GET', url: '/api/inbox?limit=200&lang=zh', headers: { cookie: await signInAs(ctx.app, 'cadre01') } })).json().items as { caseId: string | null; body: string }[])
        .filter((i) => i.caseId === caseId).map((i) => i.body).join('\n');
    const description = async (caseId: string) => (await db.selectFrom('cases').select('description').where('id', '=', caseId).executeTakeFirstOrThrow()).description;

    const anon = await rate(true);
    const mine = (await ratingsAs('cadre01')).find((r) => r.id === anon.rating.id)!;
    expect(mine.recordId).toBeNull();
    expect(await description(anon.rating.caseId)).not.toContain(anon.record.number);
    expect(await description(anon.rating.caseId)).toContain('态度生硬');
    const told = await inbox(anon.rating.caseId);
    expect(told).toContain('差评（1星）');
    expect(told).not.toContain(anon.record.number);
    expect((await ratingsAs('operator')).find((r) => r.id === anon.rating.id)!.recordId).toBe(anon.record.id);

    const named = await rate(false);
    expect((await ratingsAs('cadre01')).find((r) => r.id === named.rating.id)!.recordId).toBe(named.record.id);
    expect(await description(named.rating.caseId)).toContain(named.record.number);
    expect(await inbox(named.rating.caseId)).toContain(named.record.number);
  });
});
