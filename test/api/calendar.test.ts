import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoContext, signInAs, type TestContext } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';

for (const dialect of DIALECTS) {
  describe(`calendar overrides API [${dialect}]`, () => {
    let ctx: TestContext;
    let admin: string;
    let xxAdmin: string;
    let district: string;
    let cadre: string;
    let hq: string;

    beforeAll(async () => {
      ctx = await demoContext(dialect);
      admin = await signInAs(ctx.app, 'admin');
      xxAdmin = await signInAs(ctx.app, 'xx-admin');
      district = await signInAs(ctx.app, 'district-admin');
      cadre = await signInAs(ctx.app, 'cadre01');
      hq = (await ctx.handle.db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow()).id;
    });
    afterAll(async () => ctx.close());

    const call = (cookie: string, method: 'GET' | 'PUT' | 'DELETE', url: string, payload?: object) =>
      ctx.app.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) });
    const dueFor = async (cookie: string) =>
      (await call(cookie, 'GET', `/api/calendar/due?from=${encodeURIComponent('2026-09-30T15:00:00+08:00')}&hours=16`)).json().dueAt;

    it('previews due times: 16 working hours from 2026-09-30 15:00 Shanghai → Oct 9 15:00', async () => {
      expect(await dueFor(cadre)).toBe('2026-10-09T07:00:00.000Z');
      const cal = await call(cadre, 'GET', `/api/calendar/due?from=${encodeURIComponent('2026-09-30T15:00:00+08:00')}&hours=16&mode=calendar`);
      expect(cal.json().dueAt).toBe('2026-09-30T23:00:00.000Z');
    });

    it('a subdistrict administrator overrides days for their subdistrict only, which changes its due times', async () => {
      const put = await call(admin, 'PUT', '/api/calendar/overrides', { date: '2026-10-02', kind: 'workday', note: '应急值守', subdistrictId: hq });
      expect(put.statusCode).toBe(200);
      expect(put.json()).toMatchObject({ date: '2026-10-02', kind: 'workday', subdistrictId: hq });
      expect(await dueFor(admin)).toBe('2026-10-08T07:00:00.000Z');
      expect(await dueFor(xxAdmin)).toBe('2026-10-09T07:00:00.000Z');
      // Upsert: the same date again replaces the row.
      const again = await call(admin, 'PUT', '/api/calendar/overrides', { date: '2026-10-02', kind: 'holiday', subdistrictId: hq });
      expect(again.json().id).toBe(put.json().id);
      expect(await dueFor(admin)).toBe('2026-10-09T07:00:00.000Z');
      const list = (await call(admin, 'GET', '/api/calendar/overrides?from=2026-01-01&to=2027-12-31')).json();
      expect(list.items).toHaveLength(1);
      expect(list.coverage).toEqual([{ year: 2026, packageHasData: true }, { year: 2027, packageHasData: false }]);
      expect((await call(xxAdmin, 'GET', '/api/calendar/overrides')).json().items).toHaveLength(0);
      expect((await call(xxAdmin, 'DELETE', `/api/calendar/overrides/${put.json().id}`)).statusCode).toBe(404);
      expect((await call(admin, 'DELETE', `/api/calendar/overrides/${put.json().id}`)).statusCode).toBe(200);
      expect((await call(admin, 'GET', '/api/calendar/overrides')).json().items).toHaveLength(0);
    });

    it('global overrides need a district-level administrator and apply to every subdistrict', async () => {
      const denied = await call(admin, 'PUT', '/api/calendar/overrides', { date: '2027-02-08', kind: 'holiday', note: '春节' });
      expect(denied.statusCode).toBe(403);
      const ok = await call(district, 'PUT', '/api/calendar/overrides', { date: '2026-10-05', kind: 'workday', note: 'test' });
      expect(ok.statusCode).toBe(200);
      expect(ok.json().subdistrictId).toBeNull();
      expect(await dueFor(admin)).toBe('2026-10-08T07:00:00.000Z');
      expect(await dueFor(xxAdmin)).toBe('2026-10-08T07:00:00.000Z');
      expect((await call(admin, 'DELETE', `/api/calendar/overrides/${ok.json().id}`)).statusCode).toBe(403);
      expect((await call(district, 'DELETE', `/api/calendar/overrides/${ok.json().id}`)).statusCode).toBe(200);
    });

    it("imports a year's schedule: preview writes nothing, apply is audited, a bad line is a 400 naming it", async () => {
      const post = (cookie: string, url: string, payload: object) => ctx.app.inject({ method: 'POST', url, headers: { cookie }, payload });
      const schedule = '2028-01-01 休 元旦\n2028-01-24..2028-01-30 休 春节\n2028-02-05 班 春节调休\n';
      const preview = await post(admin, '/api/calendar/years/2028/preview', { schedule, subdistrictId: hq });
      expect(preview.statusCode).toBe(200);
      expect(preview.json()).toMatchObject({ year: 2028, listed: 9, holidays: 8, workdays: 1, applied: false });
      expect((await call(admin, 'GET', '/api/calendar/overrides?from=2028-01-01&to=2028-12-31')).json().items).toHaveLength(0);
      const audits = async () => ctx.handle.db.selectFrom('audit_log').select('id').where('action', '=', 'calendar.import_year').execute();
      expect(await audits()).toHaveLength(0);
      const applied = await post(admin, '/api/calendar/years/2028', { schedule, subdistrictId: hq });
      expect(applied.statusCode).toBe(200);
      expect(applied.json()).toMatchObject({ applied: true, written: preview.json().written });
      const rows = (await call(admin, 'GET', '/api/calendar/overrides?from=2028-01-01&to=2028-12-31')).json().items;
      expect(rows.find((r: { date: string }) => r.date === '2028-02-05')).toMatchObject({ kind: 'workday', subdistrictId: hq });
      expect(await audits()).toHaveLength(1);
      const bad = await post(admin, '/api/calendar/years/2028', { schedule: '2028-01-01 休\n2028-02-30 休', subdistrictId: hq });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.details.fields[0]).toMatchObject({ field: 'schedule' });
      expect(bad.json().error.details.fields[0].reason).toContain('line 2');
      expect((await post(cadre, '/api/calendar/years/2028/preview', { schedule, subdistrictId: hq })).statusCode).toBe(403);
      expect((await post(xxAdmin, '/api/calendar/years/2028', { schedule, subdistrictId: hq })).statusCode).toBe(404);
      expect((await post(admin, '/api/calendar/years/2028', { schedule })).statusCode).toBe(403);
      expect((await post(district, '/api/calendar/years/1999', { schedule })).statusCode).toBe(400);
    });

    it("pages a year's overrides by date, the global one of a day first: every override once, in order, at any page size", async () => {
      const db = ctx.handle.db;
      const subs = (await db.selectFrom('subdistricts').select('id').execute()).map((r) => r.id);
      const rows = [];
      for (let d = 1; d <= 40; d++) {
        const date = `2031-${String(1 + Math.floor((d - 1) / 28)).padStart(2, '0')}-${String(1 + ((d - 1) % 28)).padStart(2, '0')}`;
        for (const sub of d % 3 ? [null, ...subs] : subs.slice(0, 1)) {
          rows.push({ id: `ovp-${d}-${sub ?? 'g'}`, subdistrict_id: sub, date, kind: 'holiday' as const, note: '', created_by: null, created_at: '2026-05-26T00:00:00Z', updated_at: '2026-05-26T00:00:00Z' });
        }
      }
      await db.insertInto('calendar_overrides').values(rows).execute();
      const expected = rows.map((r) => `${r.date}|${r.subdistrict_id ?? ''}`).sort();
      const get = (q: string) => call(district, 'GET', `/api/calendar/overrides?from=2031-01-01&to=2031-12-31&${q}`);
      for (const limit of [1, 2, 7, 50, rows.length - 1, rows.length]) {
        const seen: string[] = [];
        let after: string | null = null;
        do {
          const res = await get(`limit=${limit}${after ? `&after=${after}` : ''}`);
          expect(res.statusCode, res.body).toBe(200);
          const page = res.json() as { items: { date: string; subdistrictId: string | null }[]; nextCursor: string | null };
          expect(page.items.length).toBeLessThanOrEqual(limit);
          seen.push(...page.items.map((o) => `${o.date}|${o.subdistrictId ?? ''}`));
          after = page.nextCursor;
        } while (after);
        expect(seen).toEqual(expected);
      }
      // A subdistrict administrator's pages hold the global days and their own only.
      const own = (await call(admin, 'GET', '/api/calendar/overrides?from=2031-01-01&to=2031-12-31&limit=5000')).json().items as { subdistrictId: string | null }[];
      expect(own.length).toBeGreaterThan(0);
      expect(own.every((o) => o.subdistrictId === null || o.subdistrictId === hq)).toBe(true);
      for (const [q, field] of [['after=bm9wZQ', 'after'], ['limit=0', 'limit'], ['limit=5001', 'limit']]) {
        const bad = await get(q!);
        expect(bad.statusCode).toBe(400);
        expect(bad.json().error.details.fields[0]).toMatchObject({ field });
      }
      await db.deleteFrom('calendar_overrides').where('date', '>=', '2031-01-01').where('date', '<=', '2031-12-31').execute();
    });

    it('rejects bad input with a code naming the field, and non-admins', async () => {
      const bad = await call(admin, 'PUT', '/api/calendar/overrides', { date: '2026-02-30', kind: 'holiday', subdistrictId: hq });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.details.fields[0].field).toBe('date');
      const kind = await call(admin, 'PUT', '/api/calendar/overrides', { date: '2026-02-03', kind: 'weekend', subdistrictId: hq });
      expect(kind.json().error.details.fields[0].field).toBe('kind');
      const extra = await call(admin, 'PUT', '/api/calendar/overrides', { date: '2026-02-03', kind: 'holiday', subdistrictId: hq, why: 1 });
      expect(extra.json().error.details.fields[0].field).toBe('why');
      expect((await call(cadre, 'PUT', '/api/calendar/overrides', { date: '2026-02-03', kind: 'holiday', subdistrictId: hq })).statusCode).toBe(403);
      const other = await call(xxAdmin, 'PUT', '/api/calendar/overrides', { date: '2026-02-03', kind: 'holiday', subdistrictId: hq });
      expect(other.statusCode).toBe(404);
      const month13 = await call(admin, 'PUT', '/api/calendar/overrides', { date: '2026-13-01', kind: 'holiday', subdistrictId: hq });
      expect(month13.statusCode).toBe(400);
      expect(month13.json().error.details.fields[0].field).toBe('date');
      expect((await call(admin, 'GET', '/api/calendar/due?from=yesterday&hours=3')).statusCode).toBe(400);
      expect((await call(admin, 'GET', `/api/calendar/due?from=${encodeURIComponent('2026-09-30T15:00:00Z')}&hours=-3`)).statusCode).toBe(400);
    });
  });
}
