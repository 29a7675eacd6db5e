import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';

for (const dialect of DIALECTS) {
  describe(`checklists [${dialect}]`, () => {
    let ctx: TestContext;
    let admin: string;
    let cadre: string;
    let xxAdmin: string;
    let hqId: string;

    beforeAll(async () => {
      ctx = await demoContext(dialect);
      admin = await signInAs(ctx.app, 'admin');
      cadre = await signInAs(ctx.app, 'cadre01');
      xxAdmin = await signInAs(ctx.app, 'xx-admin');
      hqId = (await ctx.handle.db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow()).id;
    });
    afterAll(async () => ctx.close());

    const get = (cookie: string, url: string) => ctx.app.inject({ method: 'GET', url, headers: { cookie } });

    it('seeds version 1 of each kind per subdistrict, visible only inside it', async () => {
      const mine = (await get(cadre, '/api/checklists')).json().items;
      expect(mine.map((c: { siteKind: string }) => c.siteKind).sort()).toEqual(['bin_room', 'institution', 'shop']);
      expect(mine.every((c: { subdistrictId: string; version: number }) => c.subdistrictId === hqId && c.version === 1)).toBe(true);
      const binRoom = mine.find((c: { siteKind: string }) => c.siteKind === 'bin_room');
      const full = (await get(cadre, `/api/checklists/${binRoom.id}`)).json();
      expect(full.items.map((i: { code: string }) => i.code)).toContain('BR-CONTAINERS');
      expect((await get(xxAdmin, `/api/checklists/${binRoom.id}`)).statusCode).toBe(404);
    });

    it('publishes a new version without changing the old one', async () => {
      const v1 = (await get(admin, '/api/checklists?siteKind=shop')).json().items[0];
      const v1Items = (await get(admin, `/api/checklists/${v1.id}`)).json().items;
      const res = await ctx.app.inject({
        method: 'POST', url: '/api/checklists', headers: { cookie: admin },
        payload: {
          subdistrictId: hqId, siteKind: 'shop', name: '沿街商铺检查表（2026版）', nameEn: 'Street shop checklist 2026',
          items: [{ code: 'SH-CONTAINERS', text: '分类容器', textEn: 'Containers', photoRequiredOnFail: true }, { code: 'SH-NEW', text: '新增项', textEn: 'New item' }],
        },
      });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ version: 2, siteKind: 'shop' });
      expect(res.json().items).toHaveLength(2);
      expect((await get(admin, `/api/checklists/${v1.id}`)).json().items).toEqual(v1Items);
    });

    it('administrators publishing one kind at the same moment each get their own next version, never 500', async () => {
      const versions = async () => ((await get(admin, '/api/checklists?siteKind=institution')).json().items as { version: number }[]).map((c) => c.version);
      const top = Math.max(...(await versions()));
      const body = (n: string) => ({ subdistrictId: hqId, siteKind: 'institution', name: `单位检查表${n}`, nameEn: `Institution ${n}`, items: [{ code: 'IN-SIGN', text: '分类标识', textEn: 'Signage' }] });
      const rs = await Promise.all(['a', 'b', 'c'].map((n) => ctx.app.inject({ method: 'POST', url: '/api/checklists', headers: { cookie: admin }, payload: body(n) })));
      expect(rs.map((r) => r.statusCode), rs.map((r) => r.body).join('\n')).toEqual([201, 201, 201]);
      expect(rs.map((r) => r.json().version).sort()).toEqual([top + 1, top + 2, top + 3]);
      expect((await versions()).sort()).toEqual([...Array(top + 3).keys()].map((i) => i + 1));
    });

    it('refuses cadres, other subdistricts and malformed items; nothing is written', async () => {
      const count = async () => (await get(admin, '/api/checklists')).json().items.length;
      const before = await count();
      const body = { subdistrictId: hqId, siteKind: 'bin_room', name: 'x', nameEn: 'x', items: [{ code: 'AA', text: 't', textEn: 't' }] };
      expect((await ctx.app.inject({ method: 'POST', url: '/api/checklists', headers: { cookie: cadre }, payload: body })).statusCode).toBe(403);
      expect((await ctx.app.inject({ method: 'POST', url: '/api/checklists', headers: { cookie: xxAdmin }, payload: body })).statusCode).toBe(404);
      const dup = await ctx.app.inject({ method: 'POST', url: '/api/checklists', headers: { cookie: admin }, payload: { ...body, items: [body.items[0], body.items[0]] } });
      expect(dup.statusCode).toBe(400);
      const bad = await ctx.app.inject({ method: 'POST', url: '/api/checklists', headers: { cookie: admin }, payload: { ...body, items: [{ code: 'aa', text: 't', textEn: 't' }] } });
      expect(bad.json().error.details.fields[0].field).toBe('items.0.code');
      expect(await count()).toBe(before);
    });
  });
}
