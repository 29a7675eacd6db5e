import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteMarkers } from '../../src/domain/registry/sites.js';
import { actorOf, demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';

for (const dialect of DIALECTS) {
  describe(`sites API [${dialect}]`, () => {
    let ctx: TestContext;
    let admin: string;
    let cadre01: string;
    let xxAdmin: string;
    let committeeA: string;
    let committeeB: string;
    let siteA: string;
    let siteB: string;

    beforeAll(async () => {
      ctx = await demoContext(dialect);
      admin = await signInAs(ctx.app, 'admin');
      cadre01 = await signInAs(ctx.app, 'cadre01');
      xxAdmin = await signInAs(ctx.app, 'xx-admin');
      const db = ctx.handle.db;
      const hq = await db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow();
      const cs = await db.selectFrom('committees').select(['id', 'code']).where('subdistrict_id', '=', hq.id).orderBy('code').execute();
      committeeA = cs[0]!.id;
      committeeB = cs[1]!.id;
      siteA = (await db.selectFrom('sites').select('id').where('committee_id', '=', committeeA).executeTakeFirstOrThrow()).id;
      siteB = (await db.selectFrom('sites').select('id').where('committee_id', '=', committeeB).executeTakeFirstOrThrow()).id;
    });
    afterAll(async () => ctx.close());

    const get = (cookie: string, url: string) => ctx.app.inject({ method: 'GET', url, headers: { cookie } });

    it('lists the whole demo subdistrict for its administrator, with counts per kind', async () => {
      for (const [kind, n] of [['bin_room', 148], ['institution', 71], ['shop', 788]] as const) {
        const res = await get(admin, `/api/sites?kind=${kind}&limit=1`);
        expect(res.json().total).toBe(n);
      }
    });

    it('pages with a keyset cursor without repeats', async () => {
      const seen = new Set<string>();
      let after = '';
      for (let i = 0; i < 4; i++) {
        const page = (await get(admin, `/api/sites?kind=bin_room&limit=40${after ? `&after=${after}` : ''}`)).json();
        for (const s of page.items) seen.add(s.id);
        if (!page.nextCursor) break;
        after = page.nextCursor;
      }
      expect(seen.size).toBe(148);
    });

    it('searches by name or address', async () => {
      const res = (await get(admin, `/api/sites?q=${encodeURIComponent('安顺路')}&limit=500`)).json();
      expect(res.total).toBeGreaterThan(0);
      for (const s of res.items) expect(`${s.name}${s.address}${s.responsibleParty?.name ?? ''}`).toContain('安顺路');
    });

    it("shows a committee cadre only their committee's sites", async () => {
      const res = (await get(cadre01, '/api/sites?limit=500')).json();
      expect(res.total).toBeGreaterThan(0);
      expect(new Set(res.items.map((s: { committeeId: string }) => s.committeeId))).toEqual(new Set([committeeA]));
      const markers = (await get(cadre01, '/api/sites/markers')).json().items;
      expect(markers.every((m: { committeeId: string }) => m.committeeId === committeeA)).toBe(true);
      expect((await get(cadre01, `/api/sites?committeeId=${committeeB}`)).json().total).toBe(0);
    });

    it('says when the map markers stop at their cap, and not before', async () => {
      const actor = await actorOf(ctx, 'operator');
      const all = await siteMarkers(ctx.handle.db, actor, {});
      expect(all.capped).toBe(false);
      expect(all.items.length).toBeGreaterThan(10);
      expect(await siteMarkers(ctx.handle.db, actor, {}, all.items.length)).toMatchObject({ capped: false, items: all.items });
      const cut = await siteMarkers(ctx.handle.db, actor, {}, 7);
      expect(cut).toEqual({ items: all.items.slice(0, 7), capped: true });
    });

    // Every route that names a site answers 404 for another committee's site, and changes nothing.
    const siteRoutes = [
      ['GET', (id: string) => `/api/sites/${id}`, undefined],
      ['PATCH', (id: string) => `/api/sites/${id}`, { name: 'changed', version: 1 }],
      ['POST', (id: string) => `/api/sites/${id}/retire`, undefined],
      ['POST', (id: string) => `/api/sites/${id}/restore`, undefined],
    ] as const;
    for (const [method, url, payload] of siteRoutes) {
      it(`${method} ${url(':id')} answers 404 outside the caller's scope`, async () => {
        const before = await ctx.handle.db.selectFrom('sites').selectAll().where('id', '=', siteB).executeTakeFirstOrThrow();
        const asCadre = await ctx.app.inject({ method, url: url(siteB), headers: { cookie: cadre01 }, payload });
        expect(asCadre.statusCode).toBe(method === 'GET' ? 404 : 403);
        const asOtherSub = await ctx.app.inject({ method, url: url(siteA), headers: { cookie: xxAdmin }, payload });
        expect(asOtherSub.statusCode).toBe(404);
        const after = await ctx.handle.db.selectFrom('sites').selectAll().where('id', '=', siteB).executeTakeFirstOrThrow();
        expect(after).toEqual(before);
      });
    }

    it('lets an administrator add, edit and retire a site; retired sites stay on record', async () => {
      const created = await ctx.app.inject({
        method: 'POST', url: '/api/sites', headers: { cookie: admin },
        payload: {
          kind: 'shop', name: '测试理发店', address: '安顺路88号', committeeId: committeeA, lng: 121.4215, lat: 31.2001,
          responsibleParty: { name: '测试理发店 经营者 张三', kind: 'shop_operator', contactName: '张三', contactPhone: '13800000000' },
        },
      });
      expect(created.statusCode).toBe(201);
      const site = created.json();
      expect(site.responsibleParty.name).toBe('测试理发店 经营者 张三');
      const edited = await ctx.app.inject({ method: 'PATCH', url: `/api/sites/${site.id}`, headers: { cookie: admin }, payload: { name: '测试美发店', version: 1 } });
      expect(edited.json()).toMatchObject({ name: '测试美发店', version: 2 });
      const stale = await ctx.app.inject({ method: 'PATCH', url: `/api/sites/${site.id}`, headers: { cookie: admin }, payload: { name: 'x', version: 1 } });
      expect(stale.statusCode).toBe(409);
      expect(stale.json().error.code).toBe('stale_version');
      const retired = await ctx.app.inject({ method: 'POST', url: `/api/sites/${site.id}/retire`, headers: { cookie: admin } });
      expect(retired.json().status).toBe('retired');
      expect((await get(admin, `/api/sites?q=${encodeURIComponent('测试美发店')}`)).json().total).toBe(0);
      expect((await get(admin, `/api/sites?status=all&q=${encodeURIComponent('测试美发店')}`)).json().total).toBe(1);
    });

    it('rejects positions outside China and writes nothing', async () => {
      const before = (await get(admin, '/api/sites?limit=1&status=all')).json().total;
      const res = await ctx.app.inject({
        method: 'POST', url: '/api/sites', headers: { cookie: admin },
        payload: { kind: 'shop', name: '伦敦店', address: 'Baker Street', committeeId: committeeA, lng: -0.15, lat: 51.52 },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details.fields[0].field).toBe('lng');
      expect((await get(admin, '/api/sites?limit=1&status=all')).json().total).toBe(before);
    });

    it('refuses overlapping or repeated disposal windows naming disposalHours, writes nothing, and keeps touching windows in the order of the day', async () => {
      const db = ctx.handle.db;
      const room = await db.selectFrom('sites').select(['id', 'disposal_hours']).where('committee_id', '=', committeeA).where('kind', '=', 'bin_room').orderBy('id').executeTakeFirstOrThrow();
      const patch = (version: number, disposalHours: [string, string][]) =>
        ctx.app.inject({ method: 'PATCH', url: `/api/sites/${room.id}`, headers: { cookie: admin }, payload: { version, disposalHours } });
      const { version } = (await get(admin, `/api/sites/${room.id}`)).json();
      const overlapping: [string, string][][] = [
        [['07:00', '09:00'], ['08:00', '10:00']],
        [['18:00', '20:00'], ['07:00', '09:00'], ['19:30', '21:00']],
        [['07:00', '09:00'], ['07:00', '09:00']],
        [['07:00', '12:00'], ['08:00', '09:00']],
      ];
      for (const hours of overlapping) {
        const res = await patch(version, hours);
        expect(res.statusCode, JSON.stringify(hours)).toBe(400);
        expect(res.json().error.code).toBe('validation_failed');
        expect(res.json().error.details.fields).toEqual([
          expect.objectContaining({ field: 'disposalHours', reason: 'windows must not overlap: each starts at or after the end of the one before' }),
        ]);
      }
      expect((await db.selectFrom('sites').select(['disposal_hours', 'version']).where('id', '=', room.id).executeTakeFirstOrThrow())).toEqual({ disposal_hours: room.disposal_hours, version });

      const touching = await patch(version, [['09:00', '11:00'], ['07:00', '09:00']]);
      expect(touching.statusCode, touching.body).toBe(200);
      expect(touching.json().disposalHours).toEqual([['07:00', '09:00'], ['09:00', '11:00']]);
    });

    it('refuses writes by roles that may only read', async () => {
      const cadreWrite = await ctx.app.inject({
        method: 'POST', url: '/api/sites', headers: { cookie: cadre01 },
        payload: { kind: 'shop', name: '某店', address: '安顺路1号', committeeId: committeeA, lng: 121.42, lat: 31.2 },
      });
      expect(cadreWrite.statusCode).toBe(403);
    });
  });
}
