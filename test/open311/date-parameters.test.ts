import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoContext, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { FORM, form, HQ, newKey } from './helpers.js';

/**
 * Dates an Open311 client sends: w3c date-times with a time zone. Shanghai's offset is +08:00, and
 * a client that does not percent-encode the query sends its `+` as a space; a date that is no day
 * of the calendar (30 February) is refused, never moved to another day.
 */
for (const dialect of DIALECTS) {
  describe(`Open311 date parameters [${dialect}]`, () => {
    let ctx: TestContext;
    let key: string;
    let number: string;
    const get = (url: string) => ctx.app.inject({ method: 'GET', url });
    const ids = (body: string) => (JSON.parse(body) as { service_request_id?: string }[]).map((r) => r.service_request_id);

    beforeAll(async () => {
      ctx = await demoContext(dialect, { LOG_LEVEL: 'warn' });
      key = (await newKey(ctx)).key;
      const db = ctx.handle.db;
      const hq = await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow();
      const site = await db.selectFrom('sites').select(['lng', 'lat']).where('subdistrict_id', '=', hq.id).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
      const res = await ctx.app.inject({
        method: 'POST', url: '/open311/v2/requests.json', headers: FORM,
        payload: form([['api_key', key], ['jurisdiction_id', HQ], ['service_code', 'A0301'], ['lat', String(Number(site.lat))], ['long', String(Number(site.lng))], ['attribute[site_kind]', 'bin_room']]),
      });
      expect(res.statusCode, res.body).toBe(200);
      number = res.json()[0].service_request_id; // filed at 2026-05-26T02:30:00Z = 10:30 in Shanghai
    });
    afterAll(async () => ctx?.close());

    it('start_date/end_date with +08:00 are read the same whether the + is percent-encoded or arrives as a space', async () => {
      for (const plus of ['%2B', '+']) {
        const inside = await get(`/open311/v2/requests.json?jurisdiction_id=${HQ}&start_date=2026-05-26T10:00:00${plus}08:00&end_date=2026-05-26T11:00:00${plus}08:00`);
        expect(inside.statusCode, `${plus} ${inside.body}`).toBe(200);
        expect(ids(inside.body)).toEqual([number]);
        const before = await get(`/open311/v2/requests.json?jurisdiction_id=${HQ}&start_date=2026-05-26T10:31:00${plus}08:00&end_date=2026-05-26T11:00:00${plus}08:00`);
        expect(before.statusCode, before.body).toBe(200);
        expect(ids(before.body)).toEqual([]);
        const updates = await get(`/open311/v2/servicerequestupdates.json?api_key=${encodeURIComponent(key)}&start_date=2026-05-26T10:00:00${plus}08:00&end_date=2026-05-26T11:00:00${plus}08:00`);
        expect(updates.statusCode, updates.body).toBe(200);
        expect(ids(updates.body)).toEqual([number]);
      }
    });

    it('a date that is no day of the calendar, or an hour past 23, is 400 naming the parameter', async () => {
      for (const [name, value] of [
        ['start_date', '2026-02-30T00:00:00Z'], ['end_date', '2026-04-31T00:00:00%2B08:00'], ['start_date', '2026-05-26T24:00:00Z'], ['end_date', '2026-13-01T00:00:00Z'],
        ['start_date', '2026-05-26T10:00:60Z'], ['start_date', '2026-05-26T10:00:00%2B25:00'],
      ] as const) {
        const res = await get(`/open311/v2/requests.json?jurisdiction_id=${HQ}&${name}=${value}`);
        expect(res.statusCode, `${name}=${value} ${res.body}`).toBe(400);
        expect(res.json()[0].description).toContain(name);
      }
      const feb29 = await get(`/open311/v2/requests.json?jurisdiction_id=${HQ}&start_date=2028-02-29T00:00:00Z`);
      expect(feb29.statusCode, feb29.body).toBe(200);
    });

    it('a datetime attribute that is no day of the calendar is 400 naming the attribute, nothing filed', async () => {
      const res = await ctx.app.inject({
        method: 'POST', url: '/open311/v2/requests.json', headers: FORM,
        payload: form([['api_key', key], ['jurisdiction_id', HQ], ['service_code', 'A0301'], ['address_string', '虹桥路'], ['attribute[site_kind]', 'bin_room'], ['attribute[observed_at]', '2026-02-30T08:30:00+08:00']]),
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()[0].description).toContain('attribute[observed_at]');
    });
  });
}
