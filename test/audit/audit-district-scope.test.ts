import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAllChains } from '../../src/domain/audit/verify-all.js';
import { newId } from '../../src/domain/shared/ids.js';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';

/**
 * One instance, several districts: a district administrator's changes are scoped to their district
 * (or to the subdistrict of the thing changed), never read by another district's auditors; only a
 * change of the whole instance is shown to every reader.
 */
for (const dialect of DIALECTS) {
  describe(`audit log scoped by district (${dialect})`, () => {
    let ctx: TestContext;
    let hq: string;
    let districtA: string;
    let districtB: string;
    const cookies: Record<string, string> = {};
    const PHONE = '13900001111';

    const call = (who: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
      ctx.app.inject({ method, url, headers: { cookie: cookies[who]! }, ...(payload ? { payload } : {}) });
    const seen = async (who: string) => {
      const res = await call(who, 'GET', '/api/audit?who=district-admin&limit=100');
      expect(res.statusCode, res.body).toBe(200);
      return (res.json().items as { action: string }[]).map((i) => i.action).sort();
    };

    beforeAll(async () => {
      ctx = await demoContext(dialect);
      const db = ctx.handle.db;
      const sub = await db.selectFrom('subdistricts').select(['id', 'district_id']).where('code', '=', '008').executeTakeFirstOrThrow();
      hq = sub.id;
      districtA = sub.district_id;
      const aSubs = (await db.selectFrom('subdistricts').select('id').where('district_id', '=', districtA).execute()).map((s) => s.id);
      const template = await db.selectFrom('users').selectAll().where('username', '=', 'admin').executeTakeFirstOrThrow();
      const now = ctx.clock.now().toISOString();
      // District B of the same city, with one subdistrict.
      districtB = newId();
      const b1 = newId();
      await db.insertInto('districts').values({ id: districtB, code: '310104', name: '徐汇区', name_en: 'Xuhui', created_at: now }).execute();
      await db.insertInto('subdistricts').values({ id: b1, district_id: districtB, code: '901', name: '天平路街道', name_en: 'Tianping Road', created_at: now }).execute();
      const person = async (username: string, role: 'admin' | 'leader', home: string | null, scope: string[]) => {
        const id = newId();
        await db.insertInto('users').values({ ...template, id, username, display_name: username, phone: null, role, subdistrict_id: home, created_at: now, updated_at: now }).execute();
        for (const s of scope) await db.insertInto('user_scopes').values({ id: newId(), user_id: id, subdistrict_id: s, committee_id: null }).execute();
      };
      await person('b-admin', 'admin', null, [b1]);
      await person('b-leader', 'leader', b1, [b1]);
      await person('a-leader', 'leader', null, aSubs);
      for (const u of ['district-admin', 'b-admin', 'b-leader', 'a-leader', 'leader']) cookies[u] = await signInAs(ctx.app, u);
    });
    afterAll(async () => ctx?.close());

    it("scopes a district administrator's entries to the district or subdistrict they concern", async () => {
      expect((await call('district-admin', 'POST', '/api/me/tokens', { name: '区级对接', ttlDays: 30 })).statusCode).toBe(201);
      const user = await call('district-admin', 'POST', '/api/staff', {
        username: 'a.hq.new', displayName: '新同事', phone: PHONE, role: 'patrol', password: 'Correct-Horse-42!', scopes: [{ subdistrictId: hq }],
      });
      expect(user.statusCode, user.body).toBe(201);
      expect((await call('district-admin', 'PUT', '/api/calendar/overrides', { date: '2026-10-10', kind: 'holiday', subdistrictId: hq })).statusCode).toBe(200);
      expect((await call('district-admin', 'PUT', '/api/settings/tokens', { maxDays: 200 })).statusCode).toBe(200);

      const rows = await ctx.handle.db.selectFrom('audit_log').select(['action', 'subdistrict_id', 'district_id']).where('actor_username', '=', 'district-admin').orderBy('seq').execute();
      expect(rows).toEqual([
        { action: 'token.create', subdistrict_id: null, district_id: districtA },
        { action: 'user.create', subdistrict_id: hq, district_id: districtA },
        { action: 'calendar.put', subdistrict_id: hq, district_id: districtA },
        { action: 'settings.token_lifetime', subdistrict_id: null, district_id: null },
      ]);
    });

    it("another district's administrator and auditor see only the instance-wide entry, in search and in the CSV export", async () => {
      for (const who of ['b-admin', 'b-leader']) {
        expect(await seen(who), who).toEqual(['settings.token_lifetime']);
        const csv = await call(who, 'GET', '/api/audit/export.csv?who=district-admin');
        expect(csv.statusCode).toBe(200);
        expect(csv.headers['x-row-count']).toBe('1');
        expect(csv.body).not.toContain(PHONE);
        expect(csv.body).not.toContain('a.hq.new');
        expect(csv.body).not.toContain('区级对接');
      }
    });

    it("the district's own readers: a subdistrict's auditor sees its subdistrict's entries, a district-level reader all", async () => {
      expect(await seen('leader')).toEqual(['calendar.put', 'settings.token_lifetime', 'user.create']);
      expect(await seen('a-leader')).toEqual(['calendar.put', 'settings.token_lifetime', 'token.create', 'user.create']);
      const csv = await call('a-leader', 'GET', '/api/audit/export.csv?who=district-admin');
      expect(csv.headers['x-row-count']).toBe('4');
    });

    it('the chain still verifies', async () => {
      expect((await verifyAllChains(ctx.handle.db)).lines.filter((l) => l.includes('audit log'))).toEqual([expect.stringMatching(/^✓ audit log: \d+ entries, chain intact$/)]);
      expect((await verifyAllChains(ctx.handle.db)).ok).toBe(true);
    });
  });
}
