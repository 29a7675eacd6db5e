import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/domain/shared/ids.js';
import { caseFixture } from '../cases/fixtures.js';
import { signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';

/**
 * One instance, two districts: a global override re-times every district's deadlines, so it needs
 * an administrator whose scope covers every subdistrict of the instance. District A's administrator
 * is refused one (nothing written, no deadline moved) and writes a district-wide day as one override
 * per subdistrict of theirs instead.
 */
for (const dialect of DIALECTS) {
  describe(`calendar: global overrides need the whole instance in scope [${dialect}]`, () => {
    let ctx: TestContext;
    let aSubs: string[];
    let b1: string;
    /** A working day over which an open case of district A runs (Wednesday), and that case. */
    const day = '2026-05-27';
    let caseId: string;
    const cookies: Record<string, string> = {};

    const call = (who: string, method: 'GET' | 'PUT' | 'DELETE' | 'POST', url: string, payload?: object) =>
      ctx.app.inject({ method, url, headers: { cookie: cookies[who]! }, ...(payload ? { payload } : {}) });
    const overrides = () => ctx.handle.db.selectFrom('calendar_overrides').select(['subdistrict_id', 'date', 'kind']).orderBy('date').orderBy('subdistrict_id').execute();
    const dues = () => ctx.handle.db.selectFrom('cases').select(['id', 'stage_due_at', 'version']).orderBy('id').execute();
    const audits = (action: string) => ctx.handle.db.selectFrom('audit_log').select(['subdistrict_id', 'actor_username']).where('action', '=', action).execute();

    beforeAll(async () => {
      const f = await caseFixture(dialect);
      ctx = f.ctx;
      const db = ctx.handle.db;
      const districtA = (await db.selectFrom('subdistricts').select('district_id').where('code', '=', '008').executeTakeFirstOrThrow()).district_id;
      aSubs = (await db.selectFrom('subdistricts').select('id').where('district_id', '=', districtA).execute()).map((s) => s.id).sort();
      const template = await db.selectFrom('users').selectAll().where('username', '=', 'admin').executeTakeFirstOrThrow();
      const now = ctx.clock.now().toISOString();
      // District B of the same city, with one subdistrict.
      const districtB = newId();
      b1 = newId();
      await db.insertInto('districts').values({ id: districtB, code: '310104', name: '徐汇区', name_en: 'Xuhui', created_at: now }).execute();
      await db.insertInto('subdistricts').values({ id: b1, district_id: districtB, code: '901', name: '天平路街道', name_en: 'Tianping Road', created_at: now }).execute();
      const person = async (username: string, scope: string[]) => {
        const id = newId();
        await db.insertInto('users').values({ ...template, id, username, display_name: username, phone: null, role: 'admin', subdistrict_id: null, created_at: now, updated_at: now }).execute();
        for (const s of scope) await db.insertInto('user_scopes').values({ id: newId(), user_id: id, subdistrict_id: s, committee_id: null }).execute();
      };
      await person('b-admin', [b1]);
      await person('city-admin', [...aSubs, b1]);
      for (const u of ['district-admin', 'b-admin', 'city-admin']) cookies[u] = await signInAs(ctx.app, u);

      // A case dispatched on Tuesday 10:30 of district A's subdistrict 008: its 8 working hours run into Wednesday.
      ctx.clock.set('2026-05-26T02:30:00Z');
      let c = await f.report(f.actors.patrol1, { categoryId: f.categories.A0301 });
      c = await f.act(f.actors.operator, c.id, { action: 'file', version: c.version });
      c = await f.act(f.actors.operator, c.id, { action: 'dispatch', version: c.version, unitId: f.units.handler1 });
      caseId = c.id;
      expect((await dues()).find((r) => r.id === caseId)!.stage_due_at).toBe('2026-05-27T02:30:00.000Z');
    }, 120_000);
    afterAll(async () => ctx?.close());

    it("refuses district A's administrator a global override: 403 naming subdistrictId, nothing written, no deadline moved", async () => {
      const [rowsBefore, duesBefore, auditBefore] = [await overrides(), await dues(), await audits('calendar.put')];
      for (const body of [{ date: day, kind: 'holiday' }, { date: day, kind: 'holiday', subdistrictId: null }]) {
        const res = await call('district-admin', 'PUT', '/api/calendar/overrides', body);
        expect(res.statusCode, res.body).toBe(403);
        expect(res.json().error).toMatchObject({ code: 'forbidden', details: { field: 'subdistrictId', reason: 'global_needs_instance_scope' } });
      }
      const year = await call('district-admin', 'POST', '/api/calendar/years/2029', { schedule: '2029-01-01 休 元旦\n' });
      expect(year.statusCode).toBe(403);
      expect(year.json().error.details.field).toBe('subdistrictId');
      expect((await call('district-admin', 'POST', '/api/calendar/years/2029/preview', { schedule: '2029-01-01 休 元旦\n' })).statusCode).toBe(403);
      expect((await call('b-admin', 'PUT', '/api/calendar/overrides', { date: day, kind: 'holiday' })).statusCode).toBe(403);
      expect(await overrides()).toEqual(rowsBefore);
      expect(await dues()).toEqual(duesBefore);
      expect(await audits('calendar.put')).toEqual(auditBefore);
      // The page is told which choices this person has.
      const list = (await call('district-admin', 'GET', '/api/calendar/overrides')).json();
      expect(list.writable.global).toBe(false);
      expect([...list.writable.subdistricts].sort()).toEqual(aSubs);
    });

    it('writes a district-wide day as one override per subdistrict of theirs, re-timing each, audited each, none in district B', async () => {
      const before = (await dues()).find((c) => c.id === caseId)!.stage_due_at;
      const res = await call('district-admin', 'PUT', '/api/calendar/overrides', { date: day, kind: 'holiday', note: '区级停工', scope: 'my_subdistricts' });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ date: day, kind: 'holiday', scope: 'my_subdistricts' });
      expect(body.items.map((o: { subdistrictId: string }) => o.subdistrictId).sort()).toEqual(aSubs);
      expect(body.retimed.moved).toBeGreaterThanOrEqual(1);
      expect((await dues()).find((c) => c.id === caseId)!.stage_due_at).not.toBe(before);
      expect(await overrides()).toEqual(aSubs.map((s) => ({ subdistrict_id: s, date: day, kind: 'holiday' })).sort((x, y) => (x.subdistrict_id < y.subdistrict_id ? -1 : 1)));
      expect((await audits('calendar.put')).map((a) => a.subdistrict_id).sort()).toEqual(aSubs);
      // Either scope or a subdistrict, not both.
      const both = await call('district-admin', 'PUT', '/api/calendar/overrides', { date: day, kind: 'holiday', scope: 'my_subdistricts', subdistrictId: aSubs[0] });
      expect(both.statusCode).toBe(400);
      expect(both.json().error.details.fields[0].field).toBe('scope');
      // District B's administrator reaches district B only.
      const b = await call('b-admin', 'PUT', '/api/calendar/overrides', { date: day, kind: 'workday', scope: 'my_subdistricts' });
      expect(b.statusCode, b.body).toBe(200);
      expect(b.json().items.map((o: { subdistrictId: string }) => o.subdistrictId)).toEqual([b1]);
      expect((await overrides()).filter((o) => o.subdistrict_id === b1)).toEqual([{ subdistrict_id: b1, date: day, kind: 'workday' }]);
    });

    it("imports a year's schedule for each subdistrict of theirs: the preview writes nothing, applying writes A's only", async () => {
      const schedule = '2029-01-01 休 元旦\n2029-02-12..2029-02-14 休 春节\n';
      const preview = await call('district-admin', 'POST', '/api/calendar/years/2029/preview', { schedule, scope: 'my_subdistricts' });
      expect(preview.statusCode, preview.body).toBe(200);
      expect(preview.json()).toMatchObject({ applied: false, listed: 4, subdistricts: expect.arrayContaining(aSubs) });
      const in2029 = async () => (await overrides()).filter((o) => o.date.startsWith('2029'));
      expect(await in2029()).toEqual([]);
      const applied = await call('district-admin', 'POST', '/api/calendar/years/2029', { schedule, scope: 'my_subdistricts' });
      expect(applied.statusCode, applied.body).toBe(200);
      expect(applied.json()).toMatchObject({ applied: true, written: preview.json().written });
      const rows = await in2029();
      expect([...new Set(rows.map((r) => r.subdistrict_id))].sort()).toEqual(aSubs);
      expect(rows).toHaveLength(4 * aSubs.length);
      expect((await audits('calendar.import_year')).map((a) => a.subdistrict_id).sort()).toEqual(aSubs);
    });

    it('an administrator whose scope covers every subdistrict of the instance writes and removes a global override', async () => {
      expect((await call('city-admin', 'GET', '/api/calendar/overrides')).json().writable.global).toBe(true);
      const ok = await call('city-admin', 'PUT', '/api/calendar/overrides', { date: '2026-10-05', kind: 'workday', note: '全市' });
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json().subdistrictId).toBeNull();
      const id = ok.json().id as string;
      // District A's administrator may not take it back either.
      const denied = await call('district-admin', 'DELETE', `/api/calendar/overrides/${id}`);
      expect(denied.statusCode).toBe(403);
      expect(denied.json().error.details.field).toBe('subdistrictId');
      expect(await ctx.handle.db.selectFrom('calendar_overrides').select('id').where('id', '=', id).execute()).toHaveLength(1);
      expect((await call('city-admin', 'DELETE', `/api/calendar/overrides/${id}`)).statusCode).toBe(200);
      expect(await ctx.handle.db.selectFrom('calendar_overrides').select('id').where('id', '=', id).execute()).toHaveLength(0);
    });
  });
}
