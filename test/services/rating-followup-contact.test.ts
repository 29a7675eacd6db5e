import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '../../src/domain/service-records/masking.js';
import { createRecord, stepRecord } from '../../src/domain/service-records/records.js';
import { newId } from '../../src/domain/shared/ids.js';
import { DIALECTS } from '../helpers/db.js';
import { type TestContext, signInAs } from '../helpers/app.js';
import { actorOf, itemByName, pointByCode, servicesContext } from './helpers.js';

describe.each(DIALECTS)('回访: who follows up a 差评 can reach the rater (%s)', (kind) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await servicesContext(kind);
  }, 60_000);
  afterAll(async () => ctx?.close());

  async function badRating(anonymous: boolean) {
    const cadre = await actorOf(ctx, 'cadre01');
    const point = await pointByCode(ctx, 'YW008-CW01');
    const item = await itemByName(ctx, '居住证签注');
    const served = await ctx.handle.db.transaction().execute(async (trx) => {
      const out = await createRecord(trx, ctx.clock, cadre, { pointId: point.id, itemId: item.id, applicant: { name: '吴娟', idNumber: withCheckDigit('31010519900101005'), phone: '13712345678' }, materials: [] });
      await stepRecord(trx, ctx.clock, cadre, out.record.id, { version: 1, action: 'complete', delivery: 'on_site' });
      return out;
    });
    const res = await ctx.app.inject({ method: 'POST', url: `/api/public/rate/${served.ratingToken}`, payload: { level: 2, comment: '态度生硬', anonymous } });
    expect(res.statusCode).toBe(201);
    return res.json().id as string;
  }
  const followup = async (ratingId: string, username: string) => {
    const res = await ctx.app.inject({ method: 'GET', url: `/api/services/ratings/${ratingId}/followup`, headers: { cookie: await signInAs(ctx.app, username) } });
    expect(res.statusCode).toBe(200);
    return res.json();
  };

  it('the assignee and the desk read a named rater\'s name and number whole; others masked; an anonymous rater is named to nobody', async () => {
    const named = await badRating(false);
    expect((await followup(named, 'cadre01')).rater).toEqual({ named: true, name: '吴娟', phone: '13712345678', masked: false });
    expect((await followup(named, 'operator')).rater).toEqual({ named: true, name: '吴娟', phone: '13712345678', masked: false });
    expect((await followup(named, 'leader')).rater).toEqual({ named: true, name: '吴*', phone: '137****5678', masked: true });
    const anonymous = await badRating(true);
    const a = await followup(anonymous, 'cadre01');
    expect(a.rater).toEqual({ named: false, name: null, phone: null, masked: true });
    expect(JSON.stringify(a)).not.toContain('13712345678');
  });

  it('an anonymous 差评 is rectified without a 回访 (there is no one to call); a named one still needs it first', async () => {
    const cadre = await actorOf(ctx, 'cadre01');
    const photo = async () => {
      const id = newId();
      await ctx.handle.db.insertInto('photos').values({
        id, subdistrict_id: cadre.subdistrictId, uploaded_by: cadre.userId, sha256: id.replace(/-/g, '').padEnd(64, '0'), mime: 'image/jpeg', bytes: 1000,
        width: 10, height: 10, storage_key: `test/${id}`, thumb_key: null, exif_taken_at: null, exif_lat: null, exif_lng: null, created_at: ctx.clock.now().toISOString(),
      } as never).execute();
      return id;
    };
    const cookie = await signInAs(ctx.app, 'cadre01');
    const resolve = async (ratingId: string) => {
      const f = await followup(ratingId, 'cadre01');
      return ctx.app.inject({
        method: 'POST', url: `/api/services/ratings/${ratingId}/resolve`, headers: { cookie },
        payload: { version: f.caseVersion, resolution: 'rectify', note: '窗口服务规范培训', photoIds: [await photo()] },
      });
    };
    const named = await resolve(await badRating(false));
    expect(named.statusCode).toBe(400);
    expect(named.json().error.details.fields[0].field).toBe('resolution');
    const anonymousId = await badRating(true);
    const anonymous = await resolve(anonymousId);
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.json().case.status).toBe('handled');
    // Handled within its deadline: followed up on time, on the follow-up and in the list alike.
    expect((await followup(anonymousId, 'cadre01')).onTime).toBe(true);
    const list = await ctx.app.inject({ method: 'GET', url: '/api/services/ratings?bad=true', headers: { cookie: await signInAs(ctx.app, 'operator') } });
    expect((list.json().items as { id: string; onTime: boolean | null }[]).find((r) => r.id === anonymousId)?.onTime).toBe(true);
  });
});
