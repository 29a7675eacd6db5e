import { type Expression, type SqlBool, sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { fullSubdistricts, touchedSubdistricts } from '../auth/scope.js';
import type { Clock } from '../shared/clock.js';
import { COUNTERS, type Counters } from './counters.js';
import { DEFAULT_WEIGHTS, type ScoreCounters, type ScoreWeights, compositeScore, computeKpis, scoreRates, sumCounters } from './kpis.js';
import { type DashboardFilter, type Window, overdueUnhandled, resolveSlice, resolveWindow, sumGrain } from './slice.js';
import { configuredWeights } from './summary.js';
import { SCORE_INDEX_COUNTERS, unitWindowSums } from './unit-cum.js';

export const RANK_OF = ['committee', 'unit'] as const;
export type RankOf = (typeof RANK_OF)[number];

const RED_BLACK = 5;
/** Ranked rows returned by default: the top of the list (the red and black lists are always added). */
export const RANK_LIMIT = 20;
/** The most ranked rows one answer holds (the route's bound on `limit`; the workbook asks for all of them). */
export const RANK_LIMIT_MAX = 10_000;
/** What the composite score and its tie-breaks read (all in the cumulative rows' covering index). */
const SCORE_COUNTERS = SCORE_INDEX_COUNTERS;

async function namesOf(db: Db, level: RankLevel, ids: string[]) {
  if (!ids.length) return new Map<string, string>();
  const table = level === 'subdistrict' ? 'subdistricts' : level === 'committee' ? 'committees' : 'handling_units';
  const rows = await db.selectFrom(table).select(['id', 'name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

type RankLevel = 'subdistrict' | 'committee' | 'unit';

/**
 * The score weights of each ranked row: its own subdistrict's (dashboard_settings), the same
 * weights its summary is scored with (summary.ts), so a committee's score on the 红黑榜 equals its
 * score on the dashboard and in the PDF. Rows of subdistricts without settings get the defaults.
 */
async function weightsOfRows(db: Db, level: RankLevel, subs: string[]): Promise<(id: string) => ScoreWeights> {
  const configured = await configuredWeights(db, subs);
  if (!configured.size) return () => DEFAULT_WEIGHTS;
  if (level === 'subdistrict') return (id) => configured.get(id) ?? DEFAULT_WEIGHTS;
  const table = level === 'committee' ? 'committees' : 'handling_units';
  const owners = await db.selectFrom(table).select(['id', 'subdistrict_id']).where('subdistrict_id', 'in', [...configured.keys()]).execute();
  const byId = new Map(owners.map((o) => [o.id, configured.get(o.subdistrict_id)!]));
  return (id) => byId.get(id) ?? DEFAULT_WEIGHTS;
}

/** `c` holds at least the score counters; the rows shown get every counter before their KPIs are computed. */
type Scored = { id: string; c: Partial<Counters> & ScoreCounters; overdue: number; score: number | null; closureRate: number | null; handled: number; weights: ScoreWeights };

const NO_SCORE_COUNTERS: ScoreCounters = { handled: 0, handled_on_time: 0, due_closed: 0, due_closed_on_time: 0, rework: 0 };

function score(id: string, c: Scored['c'], overdue: number, weights: ScoreWeights): Scored {
  const rates = scoreRates(c, overdue);
  return { id, c, overdue, score: compositeScore(rates, weights).score, closureRate: rates.closureRate, handled: c.handled, weights };
}

/**
 * Display order: score, then closure rate, volume handled and id. Only the score ranks: the rest
 * orders rows that share a rank (并列) and never decides the red or black list.
 */
const byRank = (a: Scored, b: Scored) => (b.score! - a.score!) || ((b.closureRate ?? 0) - (a.closureRate ?? 0)) || (b.handled - a.handled) || (a.id < b.id ? -1 : 1);

/**
 * Competition ranks and the red and black lists of rows sorted by score, best first.
 * - Equal scores share a rank (1, 2, 2, 4): the rank is one more than the rows scoring higher.
 * - n = min(5, half the rows). Red: the rows ranked n or better, so rows tied at the cut are all
 *   in (the list can pass five). Black: the rows with fewer than n rows scoring lower, worst
 *   first, and only those scoring strictly below every red row, so a row tied with a red one is
 *   never on the black list and the lists never share a row.
 */
export function standings(sorted: readonly { id: string; score: number }[]): { rank: Map<string, number>; red: string[]; black: string[] } {
  const rank = new Map<string, number>();
  const lower = new Map<string, number>();
  for (let i = 0; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    rank.set(sorted[i]!.id, prev && prev.score === sorted[i]!.score ? rank.get(prev.id)! : i + 1);
  }
  for (let i = sorted.length - 1; i >= 0; i--) {
    const next = sorted[i + 1];
    lower.set(sorted[i]!.id, next && next.score === sorted[i]!.score ? lower.get(next.id)! : sorted.length - 1 - i);
  }
  const n = Math.min(RED_BLACK, Math.floor(sorted.length / 2));
  if (!n) return { rank, red: [], black: [] };
  const red = sorted.filter((r) => rank.get(r.id)! <= n);
  const lowestRed = Math.min(...red.map((r) => r.score));
  const black = sorted.filter((r) => lower.get(r.id)! < n && r.score < lowestRed).reverse();
  return { rank, red: red.map((r) => r.id), black: black.map((r) => r.id) };
}

/**
 * Every handling unit of whole subdistricts, scored from the cumulative unit rollups (two rows a
 * unit, whatever the window); full counters are then read for the rows returned only.
 */
async function unitsFromCum(db: Db, subs: string[], w: Window, overdue: Map<string, number>, weightsOf: (id: string) => ScoreWeights, pick: (all: Scored[]) => Scored[]) {
  const sums = await unitWindowSums(db, subs, w.from, w.to, SCORE_COUNTERS);
  const zero = sumCounters([]);
  const ids = new Set([...sums.keys(), ...[...overdue.keys()].filter((k) => k !== '')]);
  const all = [...ids].map((id) => score(id, sums.get(id)?.c ?? NO_SCORE_COUNTERS, overdue.get(id) ?? 0, weightsOf(id))).filter((r) => r.score !== null).sort(byRank);
  const shown = pick(all);
  const withRows = shown.filter((r) => sums.has(r.id));
  const full = await unitWindowSums(db, [...new Set(withRows.map((r) => sums.get(r.id)!.subdistrictId))], w.from, w.to, COUNTERS, withRows.map((r) => r.id));
  for (const r of shown) r.c = { ...zero, ...full.get(r.id)?.c };
  return { total: all.length, ranked: all, shown };
}

/**
 * 红黑榜: committees (or, for a viewer of several subdistricts asking citywide, subdistricts)
 * and handling units ranked by composite score over the window, each row scored with its own
 * subdistrict's weights. Equal scores share a rank (并列); the red and black lists are those of
 * `standings`. `rows` holds the first `limit` rows, then any red or black row past them;
 * `total` counts every ranked row.
 */
export async function dashboardRankings(db: Db, clock: Clock, actor: Actor, f: DashboardFilter & { of: RankOf; limit?: number }) {
  const w = resolveWindow(clock, f);
  const limit = f.limit ?? RANK_LIMIT;
  const slice = await resolveSlice(db, actor, { ...f, unitId: undefined, userId: undefined }, { districtGrains: false });
  const citywide = f.of === 'committee' && !f.subdistrictId && !f.committeeId && slice.wholeSubdistricts && touchedSubdistricts(actor).length > 1;
  const level = f.of === 'unit' ? 'unit' : citywide ? 'subdistrict' : 'committee';
  let table = slice.table;
  let key: string;
  let caseKey: string;
  if (level === 'unit') {
    table = slice.table === 'case_rollups_subdistrict_daily' ? 'case_rollups_unit_daily' : slice.table === 'case_rollups_committee_daily' ? 'case_rollups_daily' : slice.table;
    key = 'unit_id';
    // Against the unit the case is answerable to, as the folded figures count it.
    caseKey = 'responsible_unit_id';
  } else if (level === 'subdistrict') {
    key = 'subdistrict_id';
    caseKey = 'subdistrict_id';
  } else {
    if (table === 'case_rollups_subdistrict_daily') table = 'case_rollups_committee_daily';
    key = 'committee_id';
    caseKey = 'committee_id';
  }
  const subs = f.subdistrictId ? [f.subdistrictId] : touchedSubdistricts(actor);
  const [overdue, weightsOf] = await Promise.all([overdueUnhandled(db, slice, w, caseKey), weightsOfRows(db, level, subs)]);
  let lists: ReturnType<typeof standings> = { rank: new Map(), red: [], black: [] };
  const pick = (all: Scored[]) => {
    lists = standings(all as { id: string; score: number }[]);
    const listed = new Set([...lists.red, ...lists.black]);
    return all.filter((r, i) => i < limit || listed.has(r.id));
  };
  let ranked: Scored[];
  let shown: Scored[];
  if (table === 'case_rollups_unit_daily') {
    ({ ranked, shown } = await unitsFromCum(db, f.subdistrictId ? [f.subdistrictId] : fullSubdistricts(actor), w, overdue, weightsOf, pick));
  } else {
    const where: Expression<SqlBool> = level === 'unit' ? sql<SqlBool>`${slice.where} and unit_id <> ''` : slice.where;
    const rows = new Map((await sumGrain(db, { table, where }, w, [key])).map((r) => [r[key] as string, r as Partial<Counters>]));
    // Ranked: whoever had events in the window or is holding overdue cases (same rule as above).
    const ids = new Set([...rows.keys(), ...[...overdue.keys()].filter((k) => k !== '')]);
    ranked = [...ids].map((id) => score(id, sumCounters(rows.has(id) ? [rows.get(id)!] : []), overdue.get(id) ?? 0, weightsOf(id)))
      .filter((r) => r.score !== null).sort(byRank);
    shown = pick(ranked);
  }
  const names = await namesOf(db, level, shown.map((r) => r.id));
  const perScore = new Map<number, number>();
  for (const r of ranked) perScore.set(r.score!, (perScore.get(r.score!) ?? 0) + 1);
  const rows = shown.map((r) => {
    const kpis = computeKpis({ c: { ...sumCounters([]), ...r.c }, overdueUnhandled: r.overdue });
    // `tied`: the rank is shared (并列).
    return { rank: lists.rank.get(r.id)!, tied: perScore.get(r.score!)! > 1, id: r.id, name: names.get(r.id) ?? r.id, kpis, ...compositeScore(kpis, r.weights) };
  });
  return { window: w, level, total: ranked.length, rows, red: lists.red, black: lists.black };
}
