import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transitionCase } from '../../src/domain/cases/transition-case.js';
import { withCheckDigit } from '../../src/domain/service-records/masking.js';
import { createRecord, stepRecord } from '../../src/domain/service-records/records.js';
import { RANKING_MIN_RATINGS, rankTallies, type RankingTally } from '../../src/domain/service-ratings/ranking.js';
import { newId } from '../../src/domain/shared/ids.js';
import { DIALECTS } from '../helpers/db.js';
import { signInAs, type TestContext } from '../helpers/app.js';
import { actorOf, itemByName, pointByCode, ratingRow, recordToClone, servicesContext } from './helpers.js';

// The monthly 好差评 ranking (YIWANGTONGBAN.md R17): entries with enough ratings ranked by 好评率,
// then by the average level; equal entries share a rank; the last rank is the bottom unless every
// ranked entry stands equal; last two months running → 约谈. Voided ratings never count.

const rate = (t: RankingTally) => t.good / t.ratings;
const avg = (t: RankingTally) => t.levelSum / t.ratings;
/** Strictly better, by plain division (equal fractions divide to the same double). */
const better = (a: RankingTally, b: RankingTally) => rate(a) > rate(b) || (rate(a) === rate(b) && avg(a) > avg(b));

/** The rule stated without the implementation's sort: rank = 1 + how many ranked entries are strictly better. */
function expectedRanks(tallies: RankingTally[], min = RANKING_MIN_RATINGS) {
  const ranked = tallies.filter((t) => t.ratings >= min);
  return new Map<string, { rank: number | null; bottom: boolean }>(
    tallies.map((t): [string, { rank: number | null; bottom: boolean }] => {
      if (t.ratings < min) return [t.key, { rank: null, bottom: false }];
      const rank = 1 + ranked.filter((o) => better(o, t)).length;
      const bottom = !ranked.some((o) => better(t, o)) && ranked.some((o) => better(o, t));
      return [t.key, { rank, bottom }];
    }),
  );
}

const tally = fc.record({ ratings: fc.integer({ min: 1, max: 30 }), goodShare: fc.double({ min: 0, max: 1, noNaN: true }), levelShare: fc.double({ min: 0, max: 1, noNaN: true }) });
function toTally(key: string, t: { ratings: number; goodShare: number; levelShare: number }): RankingTally {
  const good = Math.round(t.ratings * t.goodShare);
  // Levels consistent with the 好评 count: good ones ★3–★5, the others ★1–★2.
  const lo = good * 3 + (t.ratings - good);
  const hi = good * 5 + (t.ratings - good) * 2;
  return { key, ratings: t.ratings, good, levelSum: lo + Math.round((hi - lo) * t.levelShare) };
}

describe('the ranking rule', () => {
  it('ranks, shares ranks and finds the bottom as stated, for any tallies', () => {
    fc.assert(
      fc.property(fc.array(tally, { maxLength: 14 }), fc.integer({ min: 1, max: 12 }), (raw, min) => {
        const tallies = raw.map((t, i) => toTally(`k${String(i).padStart(2, '0')}`, t));
        const out = rankTallies(tallies, min);
        const want = expectedRanks(tallies, min);
        expect(out.map((r) => r.entry.key).sort()).toEqual(tallies.map((t) => t.key).sort());
        for (const r of out) expect({ rank: r.rank, bottom: r.bottom }).toEqual(want.get(r.entry.key));
        // Ranked entries first, in rank order; then the unranked, most ratings first.
        const ranks = out.map((r) => r.rank);
        const firstUnranked = ranks.indexOf(null);
        const rankedPart = firstUnranked < 0 ? ranks : ranks.slice(0, firstUnranked);
        expect(ranks.slice(rankedPart.length).every((r) => r === null)).toBe(true);
        expect(rankedPart).toEqual([...rankedPart].sort((a, b) => (a as number) - (b as number)));
        const unranked = out.slice(rankedPart.length).map((r) => r.entry.ratings);
        expect(unranked).toEqual([...unranked].sort((a, b) => b - a));
      }),
      { numRuns: 300 },
    );
  });
});


const MAY_START = Date.parse('2026-04-30T16:00:00.000Z'); // 2026-05-01 00:00 Shanghai
const APR_START = Date.parse('2026-03-31T16:00:00.000Z');
const JUN_START = Date.parse('2026-05-31T16:00:00.000Z');
const RECORDS = 200;

const instant = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: MAY_START, max: JUN_START - 1 }) },
  { weight: 5, arbitrary: fc.integer({ min: APR_START, max: MAY_START - 1 }) },
  { weight: 1, arbitrary: fc.constantFrom(MAY_START, MAY_START - 1, APR_START, APR_START - 1, JUN_START, JUN_START - 1) },
).map((ms) => new Date(ms).toISOString());

for (const kind of DIALECTS) {
  describe(`the monthly 好差评 ranking [${kind}]`, () => {
    let ctx: TestContext;
    let recordIds: string[] = [];
    let points: { id: string; subdistrict_id: string; committee_id: string | null }[] = [];
    let staff: string[] = [];
    let items: string[] = [];
    let hongqiao = '';

    beforeAll(async () => {
      ctx = await servicesContext(kind);
      const db = ctx.handle.db;
      const cadre = await actorOf(ctx, 'cadre01');
      hongqiao = cadre.subdistrictId as string;
      const source = await recordToClone(ctx);
      recordIds = [source.row.id, ...(await source.clone(RECORDS - 1))];
      // Three Hongqiao points (two with a committee) and one point of another subdistrict the operator does not see.
      const hq = await db.selectFrom('service_points').select(['id', 'subdistrict_id', 'committee_id']).where('subdistrict_id', '=', hongqiao).orderBy('code').execute();
      const other = await db.selectFrom('service_points').select(['id', 'subdistrict_id', 'committee_id']).where('subdistrict_id', '<>', hongqiao).orderBy('code').limit(1).execute();
      points = [hq.find((p) => !p.committee_id)!, ...hq.filter((p) => p.committee_id).slice(0, 2), ...other];
      staff = (await db.selectFrom('users').select('id').where('username', 'in', ['cadre01', 'cadre02', 'cadre03', 'handler1']).orderBy('username').execute()).map((u) => u.id);
      items = (await db.selectFrom('service_items').select('id').orderBy('basic_code').limit(3).execute()).map((i) => i.id);
      expect(points.length).toBeGreaterThanOrEqual(3);
    }, 120_000);
    afterAll(async () => ctx?.close());

    // Enough ratings a run that points, people and items reach the ranking's minimum; the record of the i-th is the i-th record.
    // Ratings are mostly good, as real ones are, so 好评率 ties and the average level decides; those touching the run's
    // weak index (its point, person or item) are drawn from every level, so someone tends to be last in both months.
    const ratingsArb = fc.tuple(
      fc.integer({ min: 0, max: 3 }),
      fc.array(
        fc.record({
          point: fc.integer({ min: 0, max: 3 }),
          staff: fc.integer({ min: 0, max: 3 }),
          item: fc.integer({ min: 0, max: 2 }),
          high: fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 4, max: 5 }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) }),
          any: fc.integer({ min: 1, max: 5 }),
          scores: fc.record({ efficiency: fc.integer({ min: 1, max: 5 }), skill: fc.integer({ min: 1, max: 5 }), attitude: fc.integer({ min: 1, max: 5 }) }, { requiredKeys: [] }),
          voided: fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 6, arbitrary: fc.constant(false) }),
          at: instant,
        }),
        { minLength: 120, maxLength: RECORDS, size: 'max' },
      ),
    ).map(([weak, rs]) => rs.map(({ high, any, ...r }, record) => ({ ...r, record, level: r.point === weak || r.staff === weak || r.item === weak % 3 ? any : high })));

    async function store(gen: { record: number; point: number; staff: number; item: number; level: number; scores: Record<string, number>; voided: boolean; at: string }[]) {
      const db = ctx.handle.db;
      await db.deleteFrom('service_rating_followups').execute();
      await db.deleteFrom('service_ratings').execute();
      const rows = gen.map((g) => ratingRow({
        recordId: recordIds[g.record]!, point: points[g.point % points.length]!, itemId: items[g.item]!, staffId: staff[g.staff]!, level: g.level, at: g.at, voided: g.voided, scores: g.scores,
      }));
      for (let i = 0; i < rows.length; i += 50) await db.insertInto('service_ratings').values(rows.slice(i, i + 50)).execute();
      return rows;
    }

    /** What the ranking must say for a month, worked out from the generated rows. */
    function expected(rows: Awaited<ReturnType<typeof store>>, by: 'point' | 'staff' | 'item', from: number, to: number) {
      const keyOf = (r: (typeof rows)[number]) => (by === 'point' ? r.point_id : by === 'staff' ? r.staff_id : r.item_id);
      const groups = new Map<string, typeof rows>();
      for (const r of rows) {
        const t = Date.parse(r.rated_at);
        if (r.voided_at || r.subdistrict_id !== hongqiao || t < from || t >= to) continue;
        groups.set(keyOf(r), [...(groups.get(keyOf(r)) ?? []), r]);
      }
      return new Map(
        [...groups].map(([key, rs]) => {
          const mean = (k: string) => {
            const xs = rs.map((r) => JSON.parse(r.scores)[k]).filter((x) => x !== undefined) as number[];
            return xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100 : null;
          };
          const good = rs.filter((r) => r.level >= 3).length;
          return [key, {
            tally: { key, ratings: rs.length, good, levelSum: rs.reduce((a, r) => a + r.level, 0) },
            bad: rs.length - good, badOpen: rs.length - good, scores: { efficiency: mean('efficiency'), skill: mean('skill'), attitude: mean('attitude') },
          }];
        }),
      );
    }

    it('counts, ranks and flags every point, person and item of the month as the rows say, in the operator\'s scope only', async () => {
      const cookie = await signInAs(ctx.app, 'operator');
      const seen = { ranked: 0, bottom: 0, talk: 0, unranked: 0 };
      await fc.assert(
        fc.asyncProperty(ratingsArb, fc.constantFrom('point', 'staff', 'item') as fc.Arbitrary<'point' | 'staff' | 'item'>, async (gen, by) => {
          const rows = await store(gen);
          const res = await ctx.app.inject({ method: 'GET', url: `/api/services/ratings/ranking?month=2026-05&by=${by}`, headers: { cookie } });
          expect(res.statusCode).toBe(200);
          const body = res.json();
          const may = expected(rows, by, MAY_START, JUN_START);
          const april = expected(rows, by, APR_START, MAY_START);
          const ranks = expectedRanks([...may.values()].map((m) => m.tally));
          const aprilRanks = expectedRanks([...april.values()].map((m) => m.tally));
          expect(body.entries.map((e: { id: string }) => e.id).sort()).toEqual([...may.keys()].sort());
          for (const e of body.entries) {
            const m = may.get(e.id)!;
            const lastApril = aprilRanks.get(e.id)?.bottom ?? false;
            expect(e).toMatchObject({
              ratings: m.tally.ratings, good: m.tally.good, bad: m.bad, badOpen: m.badOpen, scores: m.scores,
              rank: ranks.get(e.id)!.rank, bottom: ranks.get(e.id)!.bottom, bottomLastMonth: lastApril, talk: ranks.get(e.id)!.bottom && lastApril,
            });
            expect(e.goodRate).toBeCloseTo(m.tally.good / m.tally.ratings, 12);
            expect(e.name).not.toBe(e.id);
          }
          const rs = body.entries.map((e: { rank: number | null }) => e.rank).filter((r: number | null) => r !== null);
          seen.ranked += rs.length;
          seen.bottom += body.entries.filter((e: { bottom: boolean }) => e.bottom).length;
          seen.talk += body.entries.filter((e: { talk: boolean }) => e.talk).length;
          seen.unranked += body.entries.length - rs.length;
        }),
        { numRuns: kind === 'sqlite' ? 30 : 20 },
      );
      // The runs met every case of the rule but shared ranks (rare with real counts; the rule test above has them).
      for (const [k, n] of Object.entries(seen)) expect(n, k).toBeGreaterThan(0);
    });

    it('counts a 差评 as open until it is rectified or explained', async () => {
      await ctx.handle.db.deleteFrom('service_rating_followups').execute();
      await ctx.handle.db.deleteFrom('service_ratings').execute();
      const cadre = await actorOf(ctx, 'cadre01');
      const point = await pointByCode(ctx, 'YW008-CW01');
      const item = await itemByName(ctx, '居住证签注');
      const { ratingToken } = await ctx.handle.db.transaction().execute(async (trx) => {
        const out = await createRecord(trx, ctx.clock, cadre, { pointId: point.id, itemId: item.id, applicant: { name: '吴娟', idNumber: withCheckDigit('31010519900101005') }, materials: [] });
        await stepRecord(trx, ctx.clock, cadre, out.record.id, { version: 1, action: 'complete', delivery: 'on_site' });
        return out;
      });
      const rated = await ctx.app.inject({ method: 'POST', url: `/api/public/rate/${ratingToken}`, payload: { level: 1, scores: { attitude: 2 }, comment: '材料要求没有一次性告知' } });
      expect(rated.statusCode).toBe(201);
      const operator = await signInAs(ctx.app, 'operator');
      const read = async () => {
        const res = await ctx.app.inject({ method: 'GET', url: '/api/services/ratings/ranking?month=2026-05&by=staff', headers: { cookie: operator } });
        expect(res.statusCode).toBe(200);
        return res.json().entries.find((e: { id: string }) => e.id === cadre.userId);
      };
      expect(await read()).toMatchObject({ ratings: 1, bad: 1, badOpen: 1, rank: null, scores: { attitude: 2, efficiency: null } });
      const cookie = await signInAs(ctx.app, 'cadre01');
      const ratingId = rated.json().id;
      const photoId = newId();
      await ctx.handle.db.insertInto('photos').values({
        id: photoId, subdistrict_id: cadre.subdistrictId, uploaded_by: cadre.userId, sha256: photoId.replace(/-/g, '').padEnd(64, '0'), mime: 'image/jpeg', bytes: 1000,
        width: 10, height: 10, storage_key: `test/${photoId}`, thumb_key: null, exif_taken_at: null, exif_lat: null, exif_lng: null, created_at: ctx.clock.now().toISOString(),
      } as never).execute();
      ctx.clock.advance(3600_000);
      expect((await ctx.app.inject({ method: 'POST', url: `/api/services/ratings/${ratingId}/callback`, headers: { cookie }, payload: { note: '已电话回访，当面致歉' } })).statusCode).toBe(200);
      const c = await ctx.handle.db.selectFrom('cases').select('version').where('id', '=', rated.json().caseId).executeTakeFirstOrThrow();
      const resolved = await ctx.app.inject({ method: 'POST', url: `/api/services/ratings/${ratingId}/resolve`, headers: { cookie }, payload: { version: c.version, resolution: 'explain', note: '该事项须本人到场，已向申请人说明依据', photoIds: [photoId] } });
      expect(resolved.statusCode).toBe(200);
      expect(await read()).toMatchObject({ ratings: 1, bad: 1, badOpen: 0 });
      // The case desk's check fails it: back to the window, open again — the ranking reads the case.
      const handled = await ctx.handle.db.selectFrom('cases').select('version').where('id', '=', rated.json().caseId).executeTakeFirstOrThrow();
      const operatorActor = await actorOf(ctx, 'operator');
      await ctx.handle.db.transaction().execute((trx) => transitionCase(trx, ctx.clock, operatorActor, rated.json().caseId, { action: 'check_fail', version: handled.version, note: '说明不充分，请补充依据' }));
      expect(await read()).toMatchObject({ ratings: 1, bad: 1, badOpen: 1 });
    });

    it('exports the month as a workbook with the page\'s figures, a sheet per dimension', async () => {
      const cookie = await signInAs(ctx.app, 'leader');
      const x = await ctx.app.inject({ method: 'GET', url: '/api/services/ratings/ranking.xlsx?month=2026-05', headers: { cookie } });
      expect(x.headers['cache-control']).toBe('no-store');
      expect(x.statusCode).toBe(200);
      expect(x.headers['content-disposition']).toContain('ratings-ranking-2026-05.xlsx');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(x.rawPayload as never);
      expect(wb.worksheets.map((w) => w.name)).toEqual(['服务点排名', '工作人员排名', '事项排名']);
      for (const [i, by] of (['point', 'staff', 'item'] as const).entries()) {
        const json = (await ctx.app.inject({ method: 'GET', url: `/api/services/ratings/ranking?month=2026-05&by=${by}`, headers: { cookie } })).json();
        const ws = wb.worksheets[i]!;
        const rows = json.entries.map((_: unknown, r: number) => ws.getRow(r + 2).values as unknown[]);
        expect(rows.map((v: unknown[]) => [v[2], v[3], v[5]])).toEqual(json.entries.map((e: { name: string; ratings: number; bad: number }) => [e.name, e.ratings, e.bad]));
      }
      expect((await ctx.app.inject({ method: 'GET', url: '/api/services/ratings/ranking.xlsx?month=2026-5', headers: { cookie } })).statusCode).toBe(400);
    });

    it('is for the people who manage the network, names a bad month or dimension, and keeps to scope', async () => {
      const operator = await signInAs(ctx.app, 'operator');
      const get = (url: string, cookie = operator) => ctx.app.inject({ method: 'GET', url, headers: { cookie } });
      for (const user of ['cadre01', 'handler1', 'patrol1']) {
        const res = await get('/api/services/ratings/ranking?month=2026-05', await signInAs(ctx.app, user));
        expect(res.statusCode).toBe(403);
      }
      expect((await get('/api/services/ratings/ranking?month=2026-05', await signInAs(ctx.app, 'leader'))).statusCode).toBe(200);
      for (const [q, field] of [['month=2026-13', 'month'], ['month=202605', 'month'], ['', 'month'], ['month=2026-05&by=unit', 'by']] as const) {
        const res = await get(`/api/services/ratings/ranking?${q}`);
        expect(res.statusCode, q).toBe(400);
        expect(res.json().error.details.fields.map((f: { field: string }) => f.field), q).toContain(field);
      }
      // A month of the right shape outside the calendar's range (2000-01 … 2100-12) is a 400
      // naming month, never a 500 (9999-12 ends in year 10000, 0000-01 follows year -1's December).
      for (const month of ['9999-12', '0000-01', '1999-12', '2101-01']) {
        for (const path of ['ranking', 'ranking.xlsx']) {
          const res = await get(`/api/services/ratings/${path}?month=${month}`);
          expect(res.statusCode, `${path} ${month}`).toBe(400);
          expect(res.json().error.code).toBe('validation_failed');
          expect(res.json().error.details.fields.map((f: { field: string }) => f.field), `${path} ${month}`).toEqual(['month']);
        }
      }
      for (const month of ['2000-01', '2100-12']) expect((await get(`/api/services/ratings/ranking?month=${month}`)).statusCode, month).toBe(200);
      const other = await ctx.handle.db.selectFrom('subdistricts').select('id').where('id', '<>', hongqiao).executeTakeFirst();
      if (other) expect((await get(`/api/services/ratings/ranking?month=2026-05&subdistrictId=${other.id}`)).statusCode).toBe(404);
    });
  });
}
