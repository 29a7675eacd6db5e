import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { type Cell, multipart, SITE_HEADER, workbook } from '../helpers/xlsx.js';

/**
 * The registry stays one record per thing under concurrent writers (a plate, a username, a
 * responsible party), a ledger cannot be imported twice, and what an import or an edit changes is
 * in the audit log — entry by entry, before and after.
 */
for (const dialect of DIALECTS) {
  describe(`registry integrity [${dialect}]`, () => {
    let ctx: TestContext;
    let admin: string;
    let committeeId: string;
    let subdistrictId: string;

    beforeAll(async () => {
      ctx = await demoContext(dialect);
      admin = await signInAs(ctx.app, 'admin');
      const places = (await ctx.app.inject({ method: 'GET', url: '/api/places', headers: { cookie: admin } })).json();
      committeeId = places.committees.find((c: { name: string }) => c.name.startsWith('安顺')).id;
      subdistrictId = places.subdistricts[0].id;
    }, 180_000);
    afterAll(async () => ctx.close());

    const db = () => ctx.handle.db;
    const upload = (bytes: Buffer) => {
      const body = multipart(bytes);
      return ctx.app.inject({ method: 'POST', url: '/api/import/sites', headers: { cookie: admin, ...body.headers }, payload: body.payload });
    };
    const post = (url: string, payload: unknown) => ctx.app.inject({ method: 'POST', url, headers: { cookie: admin }, payload: payload as object });
    const shop = (name: string, extra: Record<string, unknown> = {}) => ({ kind: 'shop', name, address: '安顺路1号', committeeId, lng: 121.42, lat: 31.2, ...extra });
    const statuses = (rs: { statusCode: number }[]) => rs.map((r) => r.statusCode).sort();
    const auditOf = (action: string, entityId?: string) => {
      let q = db().selectFrom('audit_log').selectAll().where('action', '=', action);
      if (entityId) q = q.where('entity_id', '=', entityId);
      return q.execute();
    };

    it('gives one of several concurrent creates a QR plate and the others 409 duplicate naming qrCode', async () => {
      for (let round = 0; round < 3; round++) {
        const rs = await Promise.all([0, 1, 2].map((i) => post('/api/sites', shop(`并发商铺${round}-${i}`, { qrCode: `RACE-QR-${dialect}-${round}` }))));
        expect(statuses(rs)).toEqual([201, 409, 409]);
        for (const r of rs.filter((x) => x.statusCode === 409)) {
          expect(r.json()).toMatchObject({ error: { code: 'duplicate', details: { fields: [{ field: 'qrCode' }] } } });
        }
        expect(await db().selectFrom('sites').select('id').where('qr_code', '=', `RACE-QR-${dialect}-${round}`).execute()).toHaveLength(1);
      }
    });

    it('keeps one responsible party when concurrent creates name the same new one', async () => {
      for (let round = 0; round < 3; round++) {
        const name = `并发责任人${dialect}${round}`;
        const rs = await Promise.all([0, 1, 2].map((i) => post('/api/sites', shop(`并发共享商铺${round}-${i}`, { responsibleParty: { name, kind: 'shop_operator' } }))));
        expect(statuses(rs)).toEqual([201, 201, 201]);
        const parties = await db().selectFrom('responsible_parties').select('id').where('name', '=', name).execute();
        expect(parties).toHaveLength(1);
        const sites = await db().selectFrom('sites').select('responsible_party_id').where('name', 'like', `并发共享商铺${round}-%`).execute();
        expect(new Set(sites.map((s) => s.responsible_party_id))).toEqual(new Set([parties[0]!.id]));
      }
    });

    it('gives one of two concurrent staff creates the username and the other 409 duplicate naming username', async () => {
      for (let round = 0; round < 3; round++) {
        const rs = await Promise.all([0, 1].map(() => post('/api/staff', { username: `race-${dialect}-${round}`, displayName: '并发', role: 'patrol', password: 'Blue-Harbour-7319!', scopes: [{ subdistrictId }] })));
        expect(statuses(rs)).toEqual([201, 409]);
        expect(rs.find((r) => r.statusCode === 409)!.json()).toMatchObject({ error: { code: 'duplicate', details: { fields: [{ field: 'username' }] } } });
      }
    });

    it('imports one of two concurrent uploads of a ledger and reports the other by row, never 500', async () => {
      for (let round = 0; round < 2; round++) {
        const file = await workbook([SITE_HEADER, [`并发导入${dialect}${round}`, '沿街商铺', '安顺路2号', '安顺居民区', null, 121.42, 31.2, null, `RACE-IMP-${dialect}-${round}`, null, null, null, null]]);
        const rs = await Promise.all([0, 1].map(() => upload(file)));
        expect(statuses(rs)).toEqual([200, 422]);
        const failed = rs.find((r) => r.statusCode === 422)!.json();
        expect(failed.error.code).toBe('import_failed');
        expect(failed.error.details.rows[0]).toMatchObject({ row: 2 });
        expect(await db().selectFrom('sites').select('id').where('name', '=', `并发导入${dialect}${round}`).execute()).toHaveLength(1);
      }
    });

    it('refuses a ledger row naming an active site already registered, or one repeated in the file', async () => {
      const row = (n: number, address = `安顺路${300 + n}号`): Cell[] => [`重复导入商铺${n}`, '沿街商铺', address, '安顺居民区', null, 121.4215, 31.2001, null, null, null, null, null, null];
      expect((await upload(await workbook([SITE_HEADER, row(1), row(2)]))).statusCode).toBe(200);
      const again = await upload(await workbook([SITE_HEADER, row(1), row(2), row(3)]));
      expect(again.statusCode).toBe(422);
      expect(again.json().error.details.rows.map((r: { row: number; column: string }) => [r.row, r.column])).toEqual([[2, '名称'], [3, '名称']]);
      const inFile = await upload(await workbook([SITE_HEADER, row(4), row(5), row(4)]));
      expect(inFile.json().error.details.rows).toEqual([expect.objectContaining({ row: 4, column: '名称', reason: expect.stringContaining('row 2') })]);
      // Same name elsewhere, or the old one retired: a different site.
      expect((await upload(await workbook([SITE_HEADER, row(1, '安顺路999号')]))).statusCode).toBe(200);
      expect(await db().selectFrom('sites').select('id').where('name', 'like', '重复导入商铺%').execute()).toHaveLength(3);
    });

    it('audits each imported site, and each change of a shared party contact with before and after', async () => {
      const shared = await db()
        .selectFrom('responsible_parties as rp')
        .select(['rp.id', 'rp.name', 'rp.contact_name', 'rp.contact_phone'])
        .where('rp.kind', '=', 'property_company')
        .where('rp.subdistrict_id', '=', subdistrictId)
        .orderBy('rp.id')
        .executeTakeFirstOrThrow();
      const file = await workbook([
        SITE_HEADER,
        ['审计箱房甲', '箱房', '安顺路401弄', '安顺居民区', null, 121.4215, 31.2001, null, null, shared.name, '物业公司', '新联系人', '13900000001'],
        ['审计商铺乙', '沿街商铺', '安顺路402号', '安顺居民区', null, 121.4216, 31.2002, null, null, null, null, null, null],
      ]);
      expect((await upload(file)).statusCode).toBe(200);
      const created = await db().selectFrom('sites').select('id').where('name', 'in', ['审计箱房甲', '审计商铺乙']).execute();
      for (const s of created) expect(await auditOf('site.create', s.id)).toHaveLength(1);
      const [entry] = await auditOf('responsible_party.update', shared.id);
      expect(JSON.parse(String(entry!.before_json))).toMatchObject({ contactName: shared.contact_name, contactPhone: shared.contact_phone });
      expect(JSON.parse(String(entry!.after_json))).toMatchObject({ contactName: '新联系人', contactPhone: '13900000001' });

      // The site page: a PATCH changing the party's contact audits it too.
      const id = (await db().selectFrom('sites').select('id').where('name', '=', '审计箱房甲').executeTakeFirstOrThrow()).id;
      const current = (await ctx.app.inject({ method: 'GET', url: `/api/sites/${id}`, headers: { cookie: admin } })).json();
      const res = await ctx.app.inject({
        method: 'PATCH', url: `/api/sites/${id}`, headers: { cookie: admin },
        payload: { version: current.version, responsibleParty: { name: shared.name, kind: 'property_company', contactName: '再换联系人', contactPhone: '13900000002' } },
      });
      expect(res.statusCode).toBe(200);
      const entries = await auditOf('responsible_party.update', shared.id);
      expect(entries).toHaveLength(2);
      const last = entries.find((e) => JSON.parse(String(e.after_json)).contactName === '再换联系人')!;
      expect(JSON.parse(String(last.before_json))).toMatchObject({ contactName: '新联系人', contactPhone: '13900000001' });
      // Unchanged contact: nothing to audit.
      const again = (await ctx.app.inject({ method: 'GET', url: `/api/sites/${id}`, headers: { cookie: admin } })).json();
      await ctx.app.inject({ method: 'PATCH', url: `/api/sites/${id}`, headers: { cookie: admin }, payload: { version: again.version, responsibleParty: { name: shared.name, kind: 'property_company' } } });
      expect(await auditOf('responsible_party.update', shared.id)).toHaveLength(2);
    });
  });
}
