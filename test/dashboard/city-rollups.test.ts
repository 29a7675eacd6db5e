import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle, Db } from '../../src/db/index.js';
import { COUNTERS } from '../../src/domain/dashboard/counters.js';
import type { Actor } from '../../src/domain/auth/actor.js';
import { foldPendingEvents } from '../../src/domain/dashboard/fold-events.js';
import { wholeDistricts } from '../../src/domain/dashboard/slice.js';
import { type UnitDelta, cumRows, flushUnitCum, unitWindowSums } from '../../src/domain/dashboard/unit-cum.js';
import { signInAs } from '../helpers/app.js';
import { DIALECTS, testDatabase } from '../helpers/db.js';
import { type CaseFixture, caseFixture } from '../cases/fixtures.js';

const d = (day: string, unitId: string, handled: number, closed = 0): UnitDelta => ({ day, unitId, c: { handled, closed } });

describe('cumulative unit rollups (pure)', () => {
  it('writes one row per unit from its first day to the subdistrict’s last, summing through each day', () => {
    const rows = cumRows('S', [d('2026-06-01', 'u1', 2), d('2026-06-03', 'u1', 1, 1), d('2026-06-04', 'u2', 5)]);
    const view = rows.map((r) => [r.unit_id, r.day, r.handled, r.closed]);
    expect(view).toEqual([
      ['u1', '2026-06-01', 2, 0],
      ['u1', '2026-06-02', 2, 0],
      ['u1', '2026-06-03', 3, 1],
      ['u1', '2026-06-04', 3, 1],
      ['u2', '2026-06-04', 5, 0],
    ]);
  });
});

/** A row as text, columns by name (a column added by a later migration comes last in the table). */
const asText = (r: Record<string, unknown>) => JSON.stringify(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' ? v : Number(v)]).sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1)));

async function cumTable(db: Db, sub: string) {
  const rows = await sql<Record<string, unknown>>`select * from case_rollups_unit_cum where subdistrict_id = ${sub} order by unit_id, day`.execute(db);
  return rows.rows.map(asText).sort();
}

for (const dialect of DIALECTS) {
  describe(`cumulative unit rollups, folded in batches [${dialect}]`, () => {
    let h: DatabaseHandle;
    beforeAll(async () => {
      h = await testDatabase(dialect);
      const at = '2026-06-01T00:00:00.000Z';
      await h.db.insertInto('districts').values({ id: 'D', code: '105', name: '区', name_en: 'D', created_at: at } as never).execute();
      for (const id of ['S', 'T']) {
        await h.db.insertInto('subdistricts').values({ id, district_id: 'D', code: id, name: id, name_en: id, created_at: at } as never).execute();
      }
    });
    afterAll(async () => h.destroy());

    it('gives the same rows as the seed’s direct computation, whatever the batches and their order of days', async () => {
      const all = [
        d('2026-06-01', 'u1', 2), d('2026-06-03', 'u1', 1, 1), d('2026-06-02', 'u2', 4),
        d('2026-06-06', 'u3', 1), d('2026-06-05', 'u1', 1), d('2026-06-04', 'u2', 1, 2), d('2026-06-01', 'u2', 1),
      ];
      // Batches as the live job may see them: a late event for an earlier day, a unit first seen
      // after others, a gap of days, a unit whose first day is earlier than its first row.
      const batches = [[all[0]!], [all[1]!, all[2]!], [all[3]!], [all[4]!, all[5]!], [all[6]!]];
      for (const b of batches) {
        await h.db.transaction().execute((trx) => flushUnitCum(trx, 'S', [...b].sort((x, y) => (x.day < y.day ? -1 : x.day > y.day ? 1 : x.unitId < y.unitId ? -1 : 1))));
      }
      const sorted = [...all].sort((x, y) => (x.day < y.day ? -1 : x.day > y.day ? 1 : x.unitId < y.unitId ? -1 : 1));
      await h.db.transaction().execute((trx) => flushUnitCum(trx, 'T', sorted));
      const direct = cumRows('S', sorted).map(asText);
      expect(await cumTable(h.db, 'S')).toEqual(direct.sort());
      expect(await cumTable(h.db, 'T')).toEqual((await cumTable(h.db, 'S')).map((x) => x.replace('"subdistrict_id","S"', '"subdistrict_id","T"')));

      // Hand-computed: u1 by day 2,2,3,3,4,4 handled; u2 from 06-01: 1,5,5,6,6,6; u3 only on 06-06.
      const u1 = await sql<{ day: string; handled: number }>`select day, handled from case_rollups_unit_cum where subdistrict_id = 'S' and unit_id = 'u1' order by day`.execute(h.db);
      expect(u1.rows.map((r) => Number(r.handled))).toEqual([2, 2, 3, 3, 4, 4]);
      const u2 = await sql<{ day: string; handled: number }>`select day, handled from case_rollups_unit_cum where subdistrict_id = 'S' and unit_id = 'u2' order by day`.execute(h.db);
      expect(u2.rows.map((r) => r.day)).toEqual(['2026-06-01', '2026-06-02', '2026-06-03', '2026-06-04', '2026-06-05', '2026-06-06']);
      expect(u2.rows.map((r) => Number(r.handled))).toEqual([1, 5, 5, 6, 6, 6]);

      // Windows are cum(to) − cum(from − 1), also past the last day and before the first.
      const w = async (from: string, to: string) => {
        const m = await unitWindowSums(h.db, ['S'], from, to, ['handled', 'closed'] as const);
        return Object.fromEntries([...m].map(([k, v]) => [k, [v.c.handled, v.c.closed]]));
      };
      expect(await w('2026-06-02', '2026-06-04')).toEqual({ u1: [1, 1], u2: [5, 2] });
      expect(await w('2026-06-06', '2026-06-30')).toEqual({ u1: [0, 0], u2: [0, 0], u3: [1, 0] });
      expect(await w('2026-05-01', '2026-06-01')).toEqual({ u1: [2, 0], u2: [1, 0] });
      expect(await w('2026-07-01', '2026-07-31')).toEqual({ u1: [0, 0], u2: [0, 0], u3: [0, 0] });
    });

    it('uses district grains only for a viewer of every subdistrict of the district and nothing less', async () => {
      await h.db.insertInto('subdistricts').values({ id: 'U', district_id: 'D', code: 'U', name: 'U', name_en: 'U', created_at: '2026-06-01T00:00:00.000Z' } as never).execute();
      const actor = (scope: { subdistrictId: string; committeeId: string | null }[]) =>
        ({ userId: 'x', username: 'x', displayName: 'x', role: 'admin', subdistrictId: null, handlingUnitId: null, scope }) as Actor;
      const whole = (id: string) => ({ subdistrictId: id, committeeId: null });
      expect(await wholeDistricts(h.db, actor([whole('S'), whole('T')]))).toBeNull();
      expect(await wholeDistricts(h.db, actor([whole('S'), whole('T'), whole('U')]))).toEqual(['D']);
      expect(await wholeDistricts(h.db, actor([whole('S'), whole('T'), whole('U'), { subdistrictId: 'V', committeeId: 'c1' }]))).toBeNull();
      expect(await wholeDistricts(h.db, actor([whole('S')]))).toBeNull();
    });
  });

  describe(`city-level reads agree with the per-subdistrict grains [${dialect}]`, () => {
    let f: CaseFixture;
    beforeAll(async () => {
      f = await caseFixture(dialect);
    });
    afterAll(async () => f.ctx.close());

    it('ranks handling units from the cumulative rows as the daily unit grain would, and sums categories per district', async () => {
      const { actors: a, units } = f;
      const clock = f.ctx.clock;
      clock.set('2026-06-01T01:00:00Z');
      const run = async (unit: string, handler: typeof a.handler1, pass: boolean, category = 'A0301') => {
        clock.advance(10 * 60_000);
        let c = await f.report(a.patrol1, { photoIds: [await f.photo(a.patrol1)], categoryId: f.categories[category] });
        const step = async (who: typeof a.operator, input: Record<string, unknown>) => {
          clock.advance(10 * 60_000);
          c = (await f.act(who, c.id, { version: c.version, ...input } as never)) as typeof c;
        };
        await step(a.operator, { action: 'file' });
        await step(a.operator, { action: 'dispatch', unitId: unit });
        await step(handler, { action: 'handle', note: '已整改', photoIds: [await f.photo(handler)] });
        if (pass) await step(a.patrol1, { action: 'check_pass' });
      };
      const codes = Object.keys(f.categories).filter((c) => /^[A-Z]\d{4}$/.test(c)).slice(0, 3);
      for (let day = 0; day < 4; day++) {
        clock.set(`2026-06-0${day + 1}T01:00:00Z`);
        for (let i = 0; i <= day; i++) await run(units.handler1, a.handler1, i % 2 === 0, codes[i % codes.length]);
        await run(units.handler2, a.handler2, day % 2 === 1, codes[day % codes.length]);
        while ((await foldPendingEvents(f.ctx.handle.db, clock)).length);
      }
      const cookie = await signInAs(f.ctx.app, 'operator');
      const get = async (url: string, who = cookie) => {
        const res = await f.ctx.app.inject({ method: 'GET', url, headers: { cookie: who } });
        expect(res.statusCode).toBe(200);
        return res.json();
      };
      for (const [from, to] of [['2026-06-01', '2026-06-04'], ['2026-06-02', '2026-06-03'], ['2026-06-04', '2026-06-04'], ['2026-06-03', '2026-06-20']]) {
        const ranks = await get(`/api/dashboard/rankings?of=unit&subdistrictId=${f.hq}&window=custom&from=${from}&to=${to}`);
        const daily = await sql<{ unit_id: string; handled: number; closed: number; found: number }>`
          select unit_id, sum(handled) as handled, sum(closed) as closed, sum(found) as found from case_rollups_unit_daily
          where subdistrict_id = ${f.hq} and day >= ${from} and day <= ${to} group by unit_id`.execute(f.ctx.handle.db);
        for (const r of daily.rows.filter((x) => Number(x.handled) > 0)) {
          const row = ranks.rows.find((x: { id: string }) => x.id === r.unit_id);
          expect(row?.kpis, `${r.unit_id} ${from}..${to}`).toMatchObject({ handled: Number(r.handled), closed: Number(r.closed), found: Number(r.found) });
        }
        expect(ranks.total).toBe(daily.rows.filter((x) => Number(x.handled) > 0).length);
      }
      // One page: the first rank and the black list, and the total of everything ranked.
      const page = await get(`/api/dashboard/rankings?of=unit&subdistrictId=${f.hq}&window=custom&from=2026-06-01&to=2026-06-04&limit=1`);
      expect(page.total).toBe(2);
      expect(page.rows.map((r: { rank: number }) => r.rank)).toEqual([1, 2]);
      expect(page.black).toEqual([page.rows[1].id]);

      // Citywide categories (district admin) come from the district grain and equal the per-subdistrict sums.
      const admin = await signInAs(f.ctx.app, 'district-admin');
      const cats = await get('/api/dashboard/categories?window=custom&from=2026-06-01&to=2026-06-04', admin);
      const bySub = await sql<{ category_code: string; found: number; closed: number }>`
        select category_code, sum(found) as found, sum(closed) as closed from case_rollups_category_daily
        where day >= '2026-06-01' and day <= '2026-06-04' group by category_code`.execute(f.ctx.handle.db);
      expect(cats.rows.map((r: { code: string; found: number; closed: number }) => [r.code, r.found, r.closed]).sort())
        .toEqual(bySub.rows.map((r) => [r.category_code, Number(r.found), Number(r.closed)]).sort());
      expect(cats.rows.reduce((n: number, r: { found: number }) => n + r.found, 0)).toBe(14);
      const district = await sql<{ n: number }>`select count(*) as n from case_rollups_district_category_daily`.execute(f.ctx.handle.db);
      expect(Number(district.rows[0]!.n)).toBeGreaterThan(0);

      // Citywide KPIs, daily and hourly lines come from the district grains and equal the sums of the
      // subdistrict (and committee-hour, full-slice) grains.
      const db = f.ctx.handle.db;
      const window = 'window=custom&from=2026-06-01&to=2026-06-04';
      const summary = await get(`/api/dashboard/summary?${window}`, admin);
      expect(summary.grain).toBe('case_rollups_district_source_daily');
      const subs = await sql<{ found: number; handled: number; closed: number }>`select sum(found) as found, sum(handled) as handled, sum(closed) as closed
        from case_rollups_subdistrict_daily where day >= '2026-06-01' and day <= '2026-06-04'`.execute(db);
      expect([summary.kpis.found, summary.kpis.handled, summary.kpis.closed]).toEqual([14, Number(subs.rows[0]!.handled), Number(subs.rows[0]!.closed)]);
      const patrol = await get(`/api/dashboard/summary?${window}&source=patrol`, admin);
      const full = await sql<{ found: number; handled: number }>`select sum(found) as found, sum(handled) as handled from case_rollups_daily
        where source = 'patrol' and day >= '2026-06-01' and day <= '2026-06-04'`.execute(db);
      expect([patrol.kpis.found, patrol.kpis.handled]).toEqual([Number(full.rows[0]!.found), Number(full.rows[0]!.handled)]);
      const none = await get(`/api/dashboard/summary?${window}&source=citizen`, admin);
      expect(none.kpis.found).toBe(0);
      const daily = await get(`/api/dashboard/trends/daily?${window}`, admin);
      expect(daily.points.map((p: { found: number }) => p.found)).toEqual([2, 3, 4, 5]);
      const hourly = await get('/api/dashboard/trends/hourly?date=2026-06-04', admin);
      const byHour = await sql<{ hour: string; found: number }>`select hour, sum(found) as found from case_rollups_hourly
        where hour >= '2026-06-04T00' and hour <= '2026-06-04T23' group by hour`.execute(db);
      const want = Object.fromEntries(byHour.rows.map((r) => [r.hour, Number(r.found)]));
      expect(Object.fromEntries(hourly.points.filter((p: { found: number }) => p.found).map((p: { hour: string; found: number }) => [p.hour, p.found]))).toEqual(want);
      expect(hourly.points.reduce((n: number, p: { found: number }) => n + p.found, 0)).toBe(5);
    }, 120_000);
  });
}
