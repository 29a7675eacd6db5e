import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { standings } from '../../src/domain/dashboard/rankings.js';
import { signInAs } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { type CaseFixture, caseFixture } from '../cases/fixtures.js';

interface Row { id: string; score: number }

/** The rules of the 红黑榜, on any ranked list and its red and black lists. */
function expectFairLists(rows: Row[], rank: (id: string) => number, red: string[], black: string[]) {
  const score = new Map(rows.map((r) => [r.id, r.score]));
  for (const r of rows) expect(rank(r.id), `${r.id} ${r.score}`).toBe(1 + rows.filter((x) => x.score > r.score).length);
  expect(red.filter((id) => black.includes(id))).toEqual([]);
  const lowestRed = Math.min(...red.map((id) => score.get(id)!));
  for (const id of black) expect(score.get(id)!, `black ${id}`).toBeLessThan(lowestRed);
  // Tied rows never straddle a cut: a score is wholly on a list or wholly off it.
  for (const list of [red, black]) {
    const scores = new Set(list.map((id) => score.get(id)));
    for (const r of rows) if (scores.has(r.score)) expect(list, `${r.id} tied at ${r.score}`).toContain(r.id);
  }
  const n = Math.min(5, Math.floor(rows.length / 2));
  if (n) {
    expect(red.length).toBeGreaterThanOrEqual(n);
    // Black holds the lowest scores: no row off it scores lower than a row on it.
    const highestBlack = Math.max(...black.map((id) => score.get(id)!));
    for (const r of rows) if (!black.includes(r.id) && black.length) expect(r.score).toBeGreaterThanOrEqual(highestBlack);
  } else {
    expect([red, black]).toEqual([[], []]);
  }
}

describe('red and black lists of any scores', () => {
  it('share a rank between equal scores, never put on black a score equal to or above a red one, and never split a tie', () => {
    const scores = fc.oneof(fc.constantFrom(100, 99.5, 85, 70, 40, 0), fc.integer({ min: 0, max: 1000 }).map((x) => x / 10));
    fc.assert(fc.property(fc.array(scores, { maxLength: 40 }), (list) => {
      const rows = list.map((score, i) => ({ id: `r${String(i).padStart(2, '0')}`, score })).sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
      const s = standings(rows);
      expectFairLists(rows, (id) => s.rank.get(id)!, s.red, s.black);
      // Black is worst first.
      const bs = s.black.map((id) => rows.find((r) => r.id === id)!.score);
      expect(bs).toEqual([...bs].sort((a, b) => a - b));
    }), { numRuns: 500 });
  });
});

for (const dialect of DIALECTS) {
  describe(`the 红黑榜 and its export with ties [${dialect}]`, () => {
    let f: CaseFixture;
    let cookie: string;
    const committees: string[] = [];
    const get = async (url: string) => {
      const res = await f.ctx.app.inject({ method: 'GET', url, headers: { cookie } });
      expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
      return res;
    };

    beforeAll(async () => {
      f = await caseFixture(dialect);
      f.ctx.clock.set('2026-07-03T02:00:00Z');
      cookie = await signInAs(f.ctx.app, 'operator');
      const db = f.ctx.handle.db;
      const at = f.ctx.clock.now().toISOString();
      // Thirty committees, more than a page of the ranking.
      for (let i = 1; i <= 14; i++) {
        const code = `9${String(i).padStart(2, '0')}`;
        await db.insertInto('committees').values({ id: `test-committee-${code}`, subdistrict_id: f.hq, code, name: `测试居委${code}`, name_en: `Test ${code}`, created_at: at }).execute();
      }
      committees.push(...(await db.selectFrom('committees').select('id').where('subdistrict_id', '=', f.hq).orderBy('code').execute()).map((c) => c.id));
      expect(committees).toHaveLength(30);
    });
    afterAll(async () => f.ctx.close());

    /** One day of committee figures: of `handled` cases all handled on time, none reworked, `closed` closed (default weights: 40 + 60 × closed/handled). */
    const day = async (date: string, rows: { committee: string; handled: number; closed: number }[]) => {
      await f.ctx.handle.db.insertInto('case_rollups_committee_daily').values(rows.map((r) => ({
        day: date, subdistrict_id: f.hq, committee_id: r.committee, handled: r.handled, handled_on_time: r.handled, due_closed: r.closed, due_closed_on_time: r.closed,
      })) as never).execute();
    };

    it('ranks equal scores equally, keeps every committee at 100 off the black list and never splits a tie at either cut', async () => {
      // 22 at 100 (volumes differ), 2 at 85, 3 at 70, 3 at 40.
      const spec = committees.map((committee, i) => {
        const handled = 4 + (i % 7) * 4;
        const closed = i < 22 ? handled : i < 24 ? handled * 0.75 : i < 27 ? handled / 2 : 0;
        return { committee, handled, closed };
      });
      await day('2026-07-01', spec);
      const q = 'window=custom&from=2026-07-01&to=2026-07-01';
      const all = (await get(`/api/dashboard/rankings?of=committee&${q}&limit=10000`)).json();
      expect(all.total).toBe(30);
      expect(all.rows).toHaveLength(30);
      const rankOf = new Map(all.rows.map((r: { id: string; rank: number }) => [r.id, r.rank]));
      expectFairLists(all.rows, (id) => rankOf.get(id) as number, all.red, all.black);
      expect(all.red).toHaveLength(22);
      expect(all.black).toHaveLength(6);
      expect(all.rows.map((r: { rank: number }) => r.rank)).toEqual([...Array(22).fill(1), 23, 23, 25, 25, 25, 28, 28, 28]);
      expect(all.rows.every((r: { tied: boolean }) => r.tied)).toBe(true);
      // A page of the ranking holds every row of both lists (the console looks them up by id).
      const page = (await get(`/api/dashboard/rankings?of=committee&${q}`)).json();
      expect(page.red).toEqual(all.red);
      expect(page.black).toEqual(all.black);
      for (const id of [...page.red, ...page.black]) expect(page.rows.map((r: { id: string }) => r.id)).toContain(id);

      // The workbook holds the whole ranking, every rank, in order.
      const x = await get(`/api/dashboard/export.xlsx?${q}`);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(x.rawPayload as never);
      const ws = wb.getWorksheet('居委会排名')!;
      const sheet: { rank: number; tied: unknown; score: number }[] = [];
      ws.eachRow((row, i) => {
        if (i > 1) sheet.push({ rank: row.getCell(1).value as number, tied: row.getCell(2).value, score: row.getCell(4).value as number });
      });
      expect(sheet.map((r) => r.rank)).toEqual(all.rows.map((r: { rank: number }) => r.rank));
      expect(sheet.map((r) => r.score)).toEqual(all.rows.map((r: { score: number }) => r.score));
      expect(sheet.every((r) => r.tied === '并列')).toBe(true);
    });

    it('ten committees all at 100: all red, none black', async () => {
      await day('2026-07-02', committees.slice(0, 10).map((committee, i) => ({ committee, handled: 1 + i, closed: 1 + i })));
      const r = (await get('/api/dashboard/rankings?of=committee&window=custom&from=2026-07-02&to=2026-07-02')).json();
      expect(r.rows.map((x: { rank: number; score: number }) => [x.rank, x.score])).toEqual(Array(10).fill([1, 100]));
      expect(r.red).toHaveLength(10);
      expect(r.black).toEqual([]);
    });
  });
}
