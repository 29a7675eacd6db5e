import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldPendingEvents, foldSubdistrictBatch } from '../../src/domain/dashboard/fold-events.js';
import { signInAs } from '../helpers/app.js';
import { pdfText } from '../helpers/pdf-text.js';
import { DIALECTS } from '../helpers/db.js';
import { type CaseFixture, caseFixture } from '../cases/fixtures.js';

for (const dialect of DIALECTS) {
  describe(`dashboard reads, exports and the durable cursor [${dialect}]`, () => {
    let f: CaseFixture;
    let operator: string;
    const get = (url: string) => f.ctx.app.inject({ method: 'GET', url, headers: { cookie: operator } });

    beforeAll(async () => {
      f = await caseFixture(dialect);
      f.ctx.clock.set('2026-06-02T02:00:00Z'); // Tuesday 10:00 Shanghai
      operator = await signInAs(f.ctx.app, 'operator');
      for (let i = 0; i < 3; i++) {
        f.ctx.clock.advance(3600_000);
        await f.report(f.actors.patrol1);
      }
    });
    afterAll(async () => f.ctx.close());

    it('a fold that fails half-way leaves neither the cursor nor any counter moved; the next one counts each event once', async () => {
      const db = f.ctx.handle.db;
      const found = async () => Number((await sql<{ n: number }>`select coalesce(sum(found), 0) as n from case_rollups_subdistrict_daily`.execute(db)).rows[0]!.n);
      await expect(db.transaction().execute(async (trx) => {
        await foldSubdistrictBatch(trx, f.ctx.clock, f.hq);
        throw new Error('crash after the fold, before commit');
      })).rejects.toThrow('crash');
      expect(await found()).toBe(0);
      expect(await db.selectFrom('rollup_cursors').selectAll().where('subdistrict_id', '=', f.hq).executeTakeFirst()).toBeUndefined();
      while ((await foldPendingEvents(db, f.ctx.clock)).length);
      while ((await foldPendingEvents(db, f.ctx.clock)).length);
      expect(await found()).toBe(3);
    });

    it('answers trends by hour and day, categories, before/after and the map from the rollups', async () => {
      const hourly = (await get('/api/dashboard/trends/hourly')).json();
      expect(hourly.points).toHaveLength(24);
      expect(hourly.points.reduce((n: number, p: { found: number }) => n + p.found, 0)).toBe(3);
      expect(hourly.points.find((p: { hour: string }) => p.hour === '2026-06-02T11').found).toBe(1);
      const daily = (await get('/api/dashboard/trends/daily?window=7d')).json();
      expect(daily.points).toHaveLength(7);
      expect(daily.points.at(-1)).toMatchObject({ day: '2026-06-02', found: 3 });
      const cats = (await get('/api/dashboard/categories?window=today')).json();
      expect(cats.rows[0]).toMatchObject({ code: 'A0301', found: 3 });
      const cmp = (await get('/api/dashboard/compare?beforeFrom=2026-05-26&beforeTo=2026-06-01&afterFrom=2026-06-02&afterTo=2026-06-02')).json();
      expect(cmp.before.kpis.found).toBe(0);
      expect(cmp.after.kpis.found).toBe(3);
      expect(cmp.change.found).toBe(3);
      const bad = await get('/api/dashboard/compare?beforeFrom=2026-06-01&beforeTo=2026-06-03&afterFrom=2026-06-02&afterTo=2026-06-02');
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('afterFrom');
      const mapRes = await get(`/api/dashboard/map?subdistrictId=${f.hq}`);
      expect(mapRes.headers['content-type']).toMatch(/^application\/json/);
      const map = mapRes.json();
      const room = await f.ctx.handle.db.selectFrom('sites').select(['id', 'name', 'kind', 'committee_id', 'lng', 'lat']).where('id', '=', f.binRoom.id).executeTakeFirstOrThrow();
      expect(map.sites.find((s: { id: string }) => s.id === f.binRoom.id)).toEqual({
        id: room.id, name: room.name, kind: 'bin_room', committeeId: room.committee_id, lng: Number(room.lng), lat: Number(room.lat),
        grade: null, openProblems: 3, overdueProblems: 0,
      });
      expect(map.sites.filter((s: { openProblems: number }) => s.openProblems > 0)).toHaveLength(1);
      const active = await f.ctx.handle.db.selectFrom('sites').select((eb) => eb.fn.countAll<number>().as('n')).where('subdistrict_id', '=', f.hq).where('status', '=', 'active').executeTakeFirstOrThrow();
      expect(map.sites).toHaveLength(Number(active.n));
      const shops = (await get(`/api/dashboard/map?subdistrictId=${f.hq}&kind=shop`)).json();
      expect(shops.sites.length).toBeGreaterThan(0);
      expect(shops.sites.every((s: { kind: string }) => s.kind === 'shop')).toBe(true);
    });

    it("shows today's coverage from the patrol functions, scoped to the viewer", async () => {
      const all = (await get('/api/dashboard/coverage')).json();
      expect(all.kinds.bin_room.sites).toBe(148);
      expect(all.kinds.bin_room.due).toBeGreaterThan(0);
      expect(all.kinds.bin_room.rate).toBe(all.kinds.bin_room.covered / all.kinds.bin_room.due);
      const cadre = await signInAs(f.ctx.app, 'cadre01');
      const mine = (await f.ctx.app.inject({ method: 'GET', url: '/api/dashboard/coverage', headers: { cookie: cadre } })).json();
      expect(mine.kinds.bin_room.sites).toBeGreaterThan(0);
      expect(mine.kinds.bin_room.sites).toBeLessThan(148);
    });

    it('exports the KPI tables as .xlsx and the weekly report as a Chinese PDF', async () => {
      const x = await get('/api/dashboard/export.xlsx?window=7d');
      expect(x.statusCode).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(x.rawPayload as never);
      expect(wb.worksheets.map((w) => w.name)).toEqual(['汇总', '居委会排名', '处置单位排名', '问题类别', '每日']);
      const head = wb.getWorksheet('汇总')!.getRow(1).values as unknown[];
      const found = head.indexOf('发现');
      expect(wb.getWorksheet('汇总')!.getRow(2).getCell(found).value).toBe(3);
      const pdf = await get('/api/dashboard/report.pdf?period=weekly&end=2026-06-02');
      expect(pdf.statusCode).toBe(200);
      expect(pdf.headers['content-type']).toContain('application/pdf');
      expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
      const text = (await pdfText(pdf.rawPayload)).replace(/\s+/g, '');
      expect(text).toContain('生活垃圾分类监管周报');
      expect(text).toContain('统计期：2026-05-27至2026-06-02');
      expect(text).toContain('发现问题：3');
      const future = await get('/api/dashboard/report.pdf?period=monthly&end=2030-01-01');
      expect(future.statusCode).toBe(400);
    });
  });
}
