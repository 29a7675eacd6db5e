import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../src/config.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';

for (const dialect of DIALECTS) {
  describe(`duplicate offers: distance and time come from the configuration [${dialect}]`, () => {
    let ctx: TestContext;
    let patrol: string;
    let site: { id: string; lng: number; lat: number };
    let categoryId: string;

    beforeAll(async () => {
      // A subdistrict that wants a wider net: 1.5 km and 2 hours instead of 100 m and 72 h.
      ctx = await demoContext(dialect, { DUPLICATE_RADIUS_M: '1500', DUPLICATE_WINDOW_HOURS: '2' });
      patrol = await signInAs(ctx.app, 'patrol1');
      const db = ctx.handle.db;
      const hq = await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow();
      const s = await db.selectFrom('sites').select(['id', 'lng', 'lat']).where('subdistrict_id', '=', hq.id).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
      site = { id: s.id, lng: Number(s.lng), lat: Number(s.lat) };
      categoryId = (await db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', hq.id).where('code', '=', 'A0601').executeTakeFirstOrThrow()).id;
    });
    afterAll(async () => ctx.close());

    const offers = async (lngOffset: number) => {
      const res = await ctx.app.inject({ method: 'GET', url: `/api/cases/duplicates?categoryId=${categoryId}&lng=${site.lng + lngOffset}&lat=${site.lat}`, headers: { cookie: patrol } });
      expect(res.statusCode, res.body).toBe(200);
      return (res.json().items as { id: string; distanceM: number }[]).map((d) => d.id);
    };

    it('a case ~1 km away is offered within the configured radius, and no longer after the configured hours', async () => {
      const res = await ctx.app.inject({
        method: 'POST', url: '/api/cases', headers: { cookie: patrol },
        payload: { source: 'patrol', categoryId, siteId: site.id, lng: site.lng, lat: site.lat, description: '箱房周边脏乱' },
      });
      expect(res.statusCode, res.body).toBe(201);
      const id = res.json().id as string;
      expect(await offers(0.01)).toContain(id); // ≈ 1 km east: beyond the 100 m default, inside 1.5 km
      expect(await offers(0.02)).not.toContain(id); // ≈ 2 km
      ctx.clock.advance(3 * 3600_000);
      expect(await offers(0)).not.toContain(id); // reported 3 h ago, the window is 2 h
    });

    it('a bad setting stops the server at start with the variable named', () => {
      expect(() => readConfig({ DUPLICATE_RADIUS_M: '0' })).toThrow(ConfigError);
      expect(() => readConfig({ DUPLICATE_RADIUS_M: '0' })).toThrow(/DUPLICATE_RADIUS_M/);
    });
  });
}
