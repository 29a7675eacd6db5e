import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoContext, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { FORM, form, HQ, newKey, XX } from './helpers.js';

/**
 * A key may serve several jurisdictions (a 12345 hotline key serves a whole district): a retry is
 * recognised within one jurisdiction only, and a replay answers exactly as the first filing did.
 */
for (const dialect of DIALECTS) {
  describe(`Open311 retries and jurisdictions [${dialect}]`, () => {
    let ctx: TestContext;
    let key: string;

    const post = (fields: [string, string][], headers: Record<string, string> = {}) =>
      ctx.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { ...FORM, ...headers }, payload: form(fields) });
    /** A hotline call placed by its address text alone (no point, no site). */
    const call = (j: string, extra: [string, string][] = [], description = '路口垃圾满溢'): [string, string][] => [
      ['api_key', key], ['jurisdiction_id', j], ['service_code', 'A0301'], ['address_string', '长宁路与娄山关路路口'], ['attribute[site_kind]', 'bin_room'],
      ['description', description], ...extra,
    ];
    const subdistrictOf = async (number: string) =>
      (await ctx.handle.db.selectFrom('cases as c').innerJoin('subdistricts as s', 's.id', 'c.subdistrict_id').select('s.code').where('c.number', '=', number).executeTakeFirstOrThrow()).code;

    beforeAll(async () => {
      ctx = await demoContext(dialect, { LOG_LEVEL: 'warn' });
      key = (await newKey(ctx, { subdistricts: [HQ, XX], kind: 'hotline' })).key;
    });
    afterAll(async () => ctx?.close());

    it('the same words from the same device into two jurisdictions are two requests, each filed in its own jurisdiction', async () => {
      const device: [string, string] = ['device_id', `hotline-seat-${dialect}`];
      const hq = await post(call(HQ, [device]));
      expect(hq.statusCode, hq.body).toBe(200);
      const xx = await post(call(XX, [device]));
      expect(xx.statusCode, xx.body).toBe(200);
      expect(xx.headers['idempotent-replayed']).toBeUndefined();
      const [a, b] = [hq.json()[0].service_request_id, xx.json()[0].service_request_id];
      expect(b).not.toBe(a);
      expect(await subdistrictOf(a)).toBe('008');
      expect(await subdistrictOf(b)).toBe('010');
      // Within one jurisdiction the retry is still recognised.
      const again = await post(call(XX, [device]));
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.json()[0].service_request_id).toBe(b);
    });

    it('an Idempotency-Key first used in another jurisdiction is refused (400), never answered with the other jurisdiction\'s case', async () => {
      const token = { 'idempotency-key': `seat-${dialect}-call-0001` };
      const first = await post(call(HQ), token);
      expect(first.statusCode, first.body).toBe(200);
      const other = await post(call(XX), token);
      expect(other.statusCode, other.body).toBe(400);
      expect(other.body).not.toContain(first.json()[0].service_request_id);
    });

    it('a replayed retry carries the first answer\'s service_notice', async () => {
      const token = { 'idempotency-key': `seat-${dialect}-call-0002` };
      const first = await post(call(HQ, [], '箱房外堆放'), token);
      expect(first.statusCode, first.body).toBe(200);
      const retry = await post(call(HQ, [], '箱房外堆放'), token);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.json()[0]).toEqual(first.json()[0]);
      expect(retry.json()[0].service_notice).toMatch(/处置时限 \d+ 小时/);
    });
  });
}
