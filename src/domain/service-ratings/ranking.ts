import { type Expression, sql } from 'kysely';
import { type Db, isPostgres } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { assertSeesSubdistrict, scopeCondition } from '../auth/scope.js';
import { shanghaiMidnight } from '../calendar/office-hours.js';
import { FIRST_CALENDAR_DAY, LAST_CALENDAR_DAY } from '../calendar/day-schema.js';
import { DomainError } from '../shared/errors.js';
import { loadExcel } from '../shared/lazy-modules.js';
import { BAD_RATING_MAX_LEVEL, SUB_SCORES } from './rating-input.js';

/**
 * 好差评 in staff and point performance (YIWANGTONGBAN.md R17/R18): each month, the points, the
 * staff who served or the items are ranked by their ratings; whoever is last two months running
 * is due a talk (约谈), as local schemes do with their monthly ranking (连续两个月排名末位).
 */
export const RANKING_DIMENSIONS = ['point', 'staff', 'item'] as const;
export type RankingDimension = (typeof RANKING_DIMENSIONS)[number];

/**
 * Fewer ratings than this in a month and an entry is listed but not ranked: one unlucky 差评 out
 * of three ratings says little about a window.
 */
export const RANKING_MIN_RATINGS = 10;

/** What one entry (a point, a person, an item) got in one month. Ratings voided on appeal are left out. */
export interface RankingTally {
  key: string;
  ratings: number;
  /** 好评: every level above the two 差评 levels. */
  good: number;
  /** The sum of the levels (★1–★5), for the average. */
  levelSum: number;
}

export interface RankedTally<T extends RankingTally> {
  entry: T;
  /** Competition rank ("1224") among the entries with at least `RANKING_MIN_RATINGS` ratings; null below that. */
  rank: number | null;
  /** Last among the ranked, where not every ranked entry stands equal. */
  bottom: boolean;
}

/** a is better than b (>0), equal (0) or worse (<0): 好评率 first, then the average level; exact (cross-multiplied). */
export function compareTallies(a: RankingTally, b: RankingTally): number {
  const byRate = a.good * b.ratings - b.good * a.ratings;
  if (byRate !== 0) return byRate;
  return a.levelSum * b.ratings - b.levelSum * a.ratings;
}

/**
 * The month's ranking rule: entries with enough ratings ranked by 好评率, ties broken by the average
 * level, equal entries sharing a rank; the bottom is whoever stands at the last rank, unless all
 * the ranked entries stand equal (then nobody is last). Entries with too few ratings come after,
 * unranked, most ratings first.
 */
export function rankTallies<T extends RankingTally>(entries: T[], minRatings = RANKING_MIN_RATINGS): RankedTally<T>[] {
  const ranked = entries.filter((e) => e.ratings >= minRatings).sort((a, b) => compareTallies(b, a) || a.key.localeCompare(b.key));
  const out: RankedTally<T>[] = [];
  ranked.forEach((entry, i) => {
    const prev = out[i - 1];
    const rank = prev && compareTallies(prev.entry, entry) === 0 ? (prev.rank as number) : i + 1;
    out.push({ entry, rank, bottom: false });
  });
  const last = out.at(-1);
  if (last && out.length > 1 && compareTallies(out[0]!.entry, last.entry) !== 0) {
    for (const r of out) if (r.rank === last.rank) r.bottom = true;
  }
  const unranked = entries.filter((e) => e.ratings < minRatings).sort((a, b) => b.ratings - a.ratings || a.key.localeCompare(b.key));
  return [...out, ...unranked.map((entry) => ({ entry, rank: null, bottom: false }))];
}

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;
const badMonth = () => new DomainError('validation_failed', 'month must be YYYY-MM', { fields: [{ field: 'month', reason: 'must be YYYY-MM' }] });
const FIRST_MONTH = FIRST_CALENDAR_DAY.slice(0, 7);
const LAST_MONTH = LAST_CALENDAR_DAY.slice(0, 7);

/**
 * A month asked for: YYYY-MM within the calendar's days (CalendarDay's range), so that its
 * boundaries and the month before stay in four-digit years (9999-12 ends in year 10000).
 */
function assertRankingMonth(month: string): void {
  if (!MONTH_RE.test(month)) throw badMonth();
  if (month < FIRST_MONTH || month > LAST_MONTH) {
    const reason = `expected a month from ${FIRST_MONTH} to ${LAST_MONTH}`;
    throw new DomainError('validation_failed', `month: ${reason}`, { fields: [{ field: 'month', reason }] });
  }
}

/** 'YYYY-MM' → that Shanghai calendar month as [from, to) instants. */
export function monthWindow(month: string): { from: string; to: string } {
  const m = MONTH_RE.exec(month);
  if (!m) throw badMonth();
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const next = mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
  return { from: new Date(shanghaiMidnight(`${month}-01`)).toISOString(), to: new Date(shanghaiMidnight(`${next}-01`)).toISOString() };
}

export function previousMonth(month: string): string {
  monthWindow(month);
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

const KEY_COLUMN: Record<RankingDimension, 'r.point_id' | 'r.staff_id' | 'r.item_id'> = { point: 'r.point_id', staff: 'r.staff_id', item: 'r.item_id' };

/** A sub-score of the stored JSON object as an integer (null when the rater left it out). */
function subScore(db: Db, key: (typeof SUB_SCORES)[number]): Expression<number | null> {
  return isPostgres(db)
    ? sql<number | null>`cast(cast(r.scores as jsonb) ->> ${sql.lit(key)} as integer)`
    : sql<number | null>`json_extract(r.scores, ${sql.lit(`$.${key}`)})`;
}

interface MonthTally extends RankingTally {
  bad: number;
  badOpen: number;
  scores: Record<(typeof SUB_SCORES)[number], number | null>;
}

async function tallyMonth(db: Db, viewer: Pick<Actor, 'scope'>, by: RankingDimension, month: string, subdistrictId?: string): Promise<MonthTally[]> {
  const { from, to } = monthWindow(month);
  const key = KEY_COLUMN[by];
  let q = db
    .selectFrom('service_ratings as r')
    .leftJoin('cases as c', 'c.id', 'r.case_id')
    .select((eb) => [
      `${key} as key` as `${typeof key} as key`,
      eb.fn.countAll<number>().as('ratings'),
      sql<number>`sum(case when r.level > ${BAD_RATING_MAX_LEVEL} then 1 else 0 end)`.as('good'),
      eb.fn.sum<number>('r.level').as('level_sum'),
      // Not yet rectified: its case not handled (or sent back by a failed check), as the case desk says.
      sql<number>`sum(case when r.level <= ${BAD_RATING_MAX_LEVEL} and c.handled_on_time is null then 1 else 0 end)`.as('bad_open'),
      ...SUB_SCORES.map((k) => sql<number | null>`avg(${subScore(db, k)})`.as(`score_${k}`)),
    ])
    .where('r.voided_at', 'is', null)
    .where('r.rated_at', '>=', from)
    .where('r.rated_at', '<', to)
    .where(scopeCondition(viewer, 'r.subdistrict_id', 'r.committee_id'))
    .groupBy(key);
  if (subdistrictId) q = q.where('r.subdistrict_id', '=', subdistrictId);
  const rows = (await q.execute()) as unknown as Record<string, unknown>[];
  return rows.map((r) => {
    const ratings = Number(r.ratings);
    const good = Number(r.good);
    const avg = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v) * 100) / 100);
    return {
      key: String(r.key), ratings, good, levelSum: Number(r.level_sum), bad: ratings - good, badOpen: Number(r.bad_open),
      scores: { efficiency: avg(r.score_efficiency), skill: avg(r.score_skill), attitude: avg(r.score_attitude) },
    };
  });
}

async function namesOf(db: Db, by: RankingDimension, keys: string[]): Promise<Map<string, { name: string; nameEn: string | null }>> {
  const out = new Map<string, { name: string; nameEn: string | null }>();
  if (!keys.length) return out;
  if (by === 'point') {
    for (const p of await db.selectFrom('service_points').select(['id', 'name']).where('id', 'in', keys).execute()) out.set(p.id, { name: p.name, nameEn: null });
  } else if (by === 'staff') {
    for (const u of await db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', keys).execute()) out.set(u.id, { name: u.display_name, nameEn: null });
  } else {
    const rows = await db
      .selectFrom('service_items as i')
      .innerJoin('service_item_versions as v', (j) => j.onRef('v.item_id', '=', 'i.id').onRef('v.version', '=', 'i.latest_version'))
      .select(['i.id', 'v.name_zh', 'v.name_en'])
      .where('i.id', 'in', keys)
      .execute();
    for (const r of rows) out.set(r.id, { name: r.name_zh, nameEn: r.name_en });
  }
  return out;
}

/**
 * The month's ranking of points, staff or items by their ratings, within the actor's scope (and
 * one subdistrict if asked): each entry's ratings, 好评 and 差评, 好评率, average level and
 * sub-scores, the 差评 not yet rectified or explained, its rank, whether it is last this month and
 * was last the month before too (约谈). Leaders, operators and administrators read it.
 */
export async function ratingRanking(db: Db, actor: Actor, f: { month: string; by: RankingDimension; subdistrictId?: string }) {
  assertCan(actor, 'services.ratings.ranking');
  assertRankingMonth(f.month);
  if (f.subdistrictId) assertSeesSubdistrict(actor, f.subdistrictId, 'subdistrict');
  return monthRanking(db, actor, f);
}

/** The ranking over the ratings `viewer`'s scope covers (no permission check: callers check, or are jobs). */
export async function monthRanking(db: Db, viewer: Pick<Actor, 'scope'>, f: { month: string; by: RankingDimension; subdistrictId?: string }) {
  const window = monthWindow(f.month);
  const before = previousMonth(f.month);
  const [now, prev] = await Promise.all([tallyMonth(db, viewer, f.by, f.month, f.subdistrictId), tallyMonth(db, viewer, f.by, before, f.subdistrictId)]);
  const lastBefore = new Set(rankTallies(prev).filter((r) => r.bottom).map((r) => r.entry.key));
  const names = await namesOf(db, f.by, now.map((e) => e.key));
  const entries = rankTallies(now).map(({ entry: e, rank, bottom }) => ({
    id: e.key,
    name: names.get(e.key)?.name ?? e.key,
    nameEn: names.get(e.key)?.nameEn ?? null,
    ratings: e.ratings,
    good: e.good,
    bad: e.bad,
    goodRate: e.ratings ? e.good / e.ratings : null,
    averageLevel: e.ratings ? Math.round((e.levelSum / e.ratings) * 100) / 100 : null,
    scores: e.scores,
    badOpen: e.badOpen,
    rank,
    bottom,
    bottomLastMonth: lastBefore.has(e.key),
    talk: bottom && lastBefore.has(e.key),
  }));
  return { month: f.month, previousMonth: before, by: f.by, ...window, minRatings: RANKING_MIN_RATINGS, entries };
}

const DIMENSION_ZH: Record<RankingDimension, string> = { point: '服务点', staff: '工作人员', item: '事项' };

/**
 * The month's ranking as a workbook to circulate: one sheet each for points, staff and items, in
 * rank order, with 末位 and 约谈 marked — the same figures as the page.
 */
export async function rankingWorkbook(db: Db, actor: Actor, f: { month: string; subdistrictId?: string }) {
  const wb = new (await loadExcel()).Workbook();
  wb.creator = 'closeloop';
  for (const by of RANKING_DIMENSIONS) {
    const r = await ratingRanking(db, actor, { ...f, by });
    const ws = wb.addWorksheet(`${DIMENSION_ZH[by]}排名`);
    ws.addRow(['名次', DIMENSION_ZH[by], '评价数', '好评', '差评', '好评率', '未整改差评', '平均星级', '服务效率', '服务水平', '服务态度', '标记']).font = { bold: true };
    for (const e of r.entries) {
      ws.addRow([
        e.rank ?? '不参评', e.name, e.ratings, e.good, e.bad, e.ratings ? Math.floor((e.good * 1000) / e.ratings) / 1000 : null, e.badOpen, e.averageLevel, e.scores.efficiency, e.scores.skill, e.scores.attitude,
        e.talk ? '连续两月末位·约谈' : e.bottom ? '末位' : '',
      ]);
    }
    ws.getColumn(6).numFmt = '0.0%'; // rounded down to the tenth, as the page shows it
    ws.columns.forEach((c) => (c.width = 12));
    ws.getColumn(2).width = 32;
    ws.views = [{ state: 'frozen', ySplit: 1 }];
    ws.addRow([]);
    ws.addRow([`${f.month}（${r.previousMonth} 为上月）；当月评价不足 ${r.minRatings} 条不参评；申诉成立作废的评价不计入。`]);
  }
  return { buffer: Buffer.from(await wb.xlsx.writeBuffer()), filename: `ratings-ranking-${f.month}.xlsx` };
}
