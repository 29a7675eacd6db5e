import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distanceM } from '../../src/domain/cases/duplicates.js';
import { JURISDICTION_MARGIN_M } from '../../src/domain/open311/locate.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { FORM, form, HQ, newKey } from './helpers.js';

// Intake keeps a subdistrict's sites in memory; a site added or retired must count for the very next
// report (the registry change moves the subdistrict's counter in its own transaction).
for (const dialect of DIALECTS) {
  describe(`Open311 intake sees registry changes at once [${dialect}]`, () => {
    let ctx: TestContext;
    let admin: string;
    let key: string;
    let hq: string;

    beforeAll(async () => {
      ctx = await demoContext(dialect);
      admin = await signInAs(ctx.app, 'admin');
      key = (await newKey(ctx)).key;
      hq = (await ctx.handle.db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow()).id;
    });
    afterAll(async () => ctx?.close());

    const file = (lng: number, lat: number) =>
      ctx.app.inject({
        method: 'POST',
        url: '/open311/v2/requests.json',
        headers: FORM,
        payload: form([['api_key', key], ['jurisdiction_id', HQ], ['service_code', 'A0301'], ['lat', String(lat)], ['long', String(lng)], ['attribute[site_kind]', 'bin_room'], ['description', '箱房门口堆放垃圾袋']]),
      });

    it('a report beyond every site is refused; once a site is added there it is filed at once, and refused again once the site is retired', async () => {
      const sites = (await ctx.handle.db.selectFrom('sites').select(['lng', 'lat', 'committee_id']).where('subdistrict_id', '=', hq).where('status', '=', 'active').execute()).map(
        (s) => ({ ...s, lng: Number(s.lng), lat: Number(s.lat) }),
      );
      const west = Math.min(...sites.map((s) => s.lng));
      const lat = sites.reduce((a, s) => a + s.lat, 0) / sites.length;
      const p = { lng: west - 0.03, lat };
      const nearestNow = Math.min(...sites.map((s) => distanceM(p.lng, p.lat, s.lng, s.lat)));
      expect(nearestNow).toBeGreaterThan(JURISDICTION_MARGIN_M + 100);

      const before = await file(p.lng, p.lat);
      expect(before.statusCode, before.body).toBe(400);
      expect(before.body).toContain('lat');

      const committeeId = sites[0]!.committee_id;
      const created = await ctx.app.inject({
        method: 'POST',
        url: '/api/sites',
        headers: { cookie: admin },
        payload: { kind: 'bin_room', name: '新建临时箱房', address: '虹桥路西延伸段1号', committeeId, lng: p.lng, lat: p.lat },
      });
      expect(created.statusCode, created.body).toBe(201);
      const siteId = created.json().id as string;

      const filed = await file(p.lng, p.lat);
      expect(filed.statusCode, filed.body).toBe(200);
      const requestId = filed.json()[0].service_request_id as string;
      const row = await ctx.handle.db.selectFrom('cases').select(['committee_id', 'subdistrict_id']).where('number', '=', requestId).executeTakeFirstOrThrow();
      expect(row).toEqual({ committee_id: committeeId, subdistrict_id: hq });

      const retired = await ctx.app.inject({ method: 'POST', url: `/api/sites/${siteId}/retire`, headers: { cookie: admin } });
      expect(retired.statusCode, retired.body).toBe(200);
      const after = await file(p.lng, p.lat);
      expect(after.statusCode, after.body).toBe(400);
    });
  });
}
