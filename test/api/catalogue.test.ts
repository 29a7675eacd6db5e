import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';

for (const dialect of DIALECTS) {
  describe(`problem catalogue API [${dialect}]`, () => {
    let ctx: TestContext;
    let admin: string;
    let operator: string;
    let xxAdmin: string;
    let hqId: string;

    beforeAll(async () => {
      ctx = await demoContext(dialect);
      admin = await signInAs(ctx.app, 'admin');
      operator = await signInAs(ctx.app, 'operator');
      xxAdmin = await signInAs(ctx.app, 'xx-admin');
      hqId = (await ctx.handle.db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow()).id;
    });
    afterAll(async () => ctx.close());

    const get = (cookie: string, url: string) => ctx.app.inject({ method: 'GET', url, headers: { cookie } });

    it('seeds a three-level waste-sorting catalogue per subdistrict', async () => {
      const tree = (await get(operator, '/api/catalogue')).json().items;
      expect(tree.map((c: { code: string }) => c.code)).toEqual(['A', 'B', 'C']);
      const subs = tree.flatMap((c: { children: unknown[] }) => c.children);
      const stds = subs.flatMap((s: { children: unknown[] }) => s.children) as { code: string; level: string; limitMode: string; nameZh: string; severity: string }[];
      expect(subs.length).toBeGreaterThanOrEqual(12);
      expect(stds.length).toBeGreaterThanOrEqual(30);
      expect(stds.every((s) => s.level === 'standard')).toBe(true);
      const overflow = stds.find((s) => s.code === 'A0101')!;
      expect(overflow).toMatchObject({ nameZh: '湿垃圾桶满溢', limitMode: 'calendar', severity: 'urgent' });
      expect(tree.every((c: { subdistrictId: string }) => c.subdistrictId === hqId)).toBe(true);
    });

    it('lets an administrator add and edit a standard; optimistic version', async () => {
      const tree = (await get(admin, '/api/catalogue')).json().items;
      const sub = tree[0].children[0];
      const body = {
        subdistrictId: hqId, parentId: sub.id, level: 'standard', code: 'A0199', nameZh: '厨余桶满溢', nameEn: 'Kitchen bin overflowing',
        defaultUnitKind: 'sanitation_company', fileHours: 0.5, dispatchHours: 0.5, handleHours: 2, checkHours: 4, limitMode: 'calendar', severity: 'urgent',
      };
      const res = await ctx.app.inject({ method: 'POST', url: '/api/catalogue', headers: { cookie: admin }, payload: body });
      expect(res.statusCode).toBe(201);
      const created = res.json();
      const dup = await ctx.app.inject({ method: 'POST', url: '/api/catalogue', headers: { cookie: admin }, payload: body });
      expect(dup.statusCode).toBe(409);
      const patch = await ctx.app.inject({ method: 'PATCH', url: `/api/catalogue/${created.id}`, headers: { cookie: admin }, payload: { handleHours: 3, version: 1 } });
      expect(patch.statusCode).toBe(200);
      expect(patch.json()).toMatchObject({ handleHours: 3, version: 2 });
      const stale = await ctx.app.inject({ method: 'PATCH', url: `/api/catalogue/${created.id}`, headers: { cookie: admin }, payload: { handleHours: 4, version: 1 } });
      expect(stale.statusCode).toBe(409);
      expect(stale.json().error.code).toBe('stale_version');
      const off = await ctx.app.inject({ method: 'PATCH', url: `/api/catalogue/${created.id}`, headers: { cookie: admin }, payload: { active: false, version: 2 } });
      expect(off.json().active).toBe(false);
      const visible = JSON.stringify((await get(admin, '/api/catalogue')).json());
      expect(visible).not.toContain('A0199');
      expect(JSON.stringify((await get(admin, '/api/catalogue?includeInactive=true')).json())).toContain('A0199');
    });

    it('rejects a standard without a sub-class parent, and unknown fields', async () => {
      const base = { subdistrictId: hqId, level: 'standard', code: 'Z1', nameZh: '测试', nameEn: 'Test', fileHours: 1, dispatchHours: 1, handleHours: 1, checkHours: 1, limitMode: 'working', severity: 'low' };
      const res = await ctx.app.inject({ method: 'POST', url: '/api/catalogue', headers: { cookie: admin }, payload: base });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details.fields[0].field).toBe('parentId');
      const unknown = await ctx.app.inject({ method: 'POST', url: '/api/catalogue', headers: { cookie: admin }, payload: { ...base, colour: 'red' } });
      expect(unknown.statusCode).toBe(400);
    });

    it('two administrators writing the same code at once: one wins, the other is told the code is taken (409, not 500)', async () => {
      const body = { subdistrictId: hqId, level: 'class', code: 'RACE1', nameZh: '并发', nameEn: 'Race', fileHours: 1, dispatchHours: 1, handleHours: 1, checkHours: 1, limitMode: 'working', severity: 'low' };
      const created = await Promise.all([0, 1, 2].map(() => ctx.app.inject({ method: 'POST', url: '/api/catalogue', headers: { cookie: admin }, payload: body })));
      expect(created.map((r) => r.statusCode).sort(), created.map((r) => r.body.slice(0, 160)).join(' | ')).toEqual([201, 409, 409]);
      for (const r of created.filter((x) => x.statusCode === 409)) expect(r.json().error).toMatchObject({ code: 'duplicate', details: { fields: [{ field: 'code' }] } });
      const [x, y] = await Promise.all(['RACE2', 'RACE3'].map(async (code) => (await ctx.app.inject({ method: 'POST', url: '/api/catalogue', headers: { cookie: admin }, payload: { ...body, code } })).json()));
      const renamed = await Promise.all([x, y].map((c) => ctx.app.inject({ method: 'PATCH', url: `/api/catalogue/${c.id}`, headers: { cookie: admin }, payload: { code: 'RACE4', version: c.version } })));
      expect(renamed.map((r) => r.statusCode).sort(), renamed.map((r) => r.body.slice(0, 160)).join(' | ')).toEqual([200, 409]);
      expect(renamed.find((r) => r.statusCode === 409)!.json().error).toMatchObject({ code: 'duplicate', details: { fields: [{ field: 'code' }] } });
    });

    it('allows only administrators to write, and only in their own subdistrict', async () => {
      const tree = (await get(admin, '/api/catalogue')).json().items;
      const entry = tree[1];
      const asOperator = await ctx.app.inject({ method: 'PATCH', url: `/api/catalogue/${entry.id}`, headers: { cookie: operator }, payload: { nameEn: 'x', version: entry.version } });
      expect(asOperator.statusCode).toBe(403);
      const asOther = await ctx.app.inject({ method: 'PATCH', url: `/api/catalogue/${entry.id}`, headers: { cookie: xxAdmin }, payload: { nameEn: 'x', version: entry.version } });
      expect(asOther.statusCode).toBe(404);
      const xxTree = (await get(xxAdmin, '/api/catalogue')).json().items;
      expect(xxTree.every((c: { subdistrictId: string }) => c.subdistrictId !== hqId)).toBe(true);
      expect(xxTree.length).toBe(3);
    });
  });
}
