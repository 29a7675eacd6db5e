import { type Expression, type SqlBool, sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { fullSubdistricts, touchedSubdistricts } from '../auth/scope.js';
import type { Clock } from '../shared/clock.js';
import { COUNTERS, type Counters } from './counters.js';
import { type ScoreCounters, type ScoreWeights, compositeScore, computeKpis, scoreRates, sumCounters } from './kpis.js';
import { type DashboardFilter, type Window, overdueUnhandled, resolveSlice, resolveWindow, sumGrain } from './slice.js';
import { weightsFor } from './summary.js';
import { SCORE_INDEX_COUNTERS, unitWindowSums } from './unit-cum.js';

export const RANK_OF = ['committee', 'unit'] as const;
export type RankOf = (typeof RANK_OF)[number];

const RED_BLACK = 5;
/** Ranked rows returned by default: the top of the list (the black list is always added). */
export const RANK_LIMIT = 20;
/** What the composite score and its tie-breaks read (all in the cumulative rows' covering index). */
const SCORE_COUNTERS = SCORE_INDEX_COUNTERS;

async function namesOf(db: Db, level: 'subdistrict' | 'committee' | 'unit', ids: string[]) {
  if (!ids.length) return new Map<string, string>();
  const table = level === 'subdistrict' ? 'subdistricts' : level === 'committee' ? 'committees' : 'handling_units';
  const rows = await db.selectFrom(table).select(['id', 'name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** `c` holds at least the score counters; the rows shown get every counter before their KPIs are computed. */
type Scored = { id: string; c: Partial<Counters> & ScoreCounters; overdue: number; score: number | null; closureRate: number | null; handled: number };

const NO_SCORE_COUNTERS: ScoreCounters = { handled: 0, handled_on_time: 0, due_closed: 0, due_closed_on_time: 0, rework: 0 };

function score(id: string, c: Scored['c'], overdue: number, weights: ScoreWeights): Scored {
  const rates = scoreRates(c, overdue);
  return { id, c, overdue, score: compositeScore(rates, weights).score, closureRate: rates.closureRate, handled: c.handled };
}

const byRank = (a: Scored, b: Scored) => (b.score! - a.score!) || ((b.closureRate ?? 0) - (a.closureRate ?? 0)) || (b.handled - a.handled) || (a.id < b.id ? -1 : 1);

/**
 * Every handling unit of whole subdistricts, scored from the cumulative unit rollups (two rows a
 * unit, whatever the window); full counters are then read for the rows returned only.
 */
async function unitsFromCum(db: Db, subs: string[], w: Window, overdue: Map<string, number>, weights: ScoreWeights, pick: (all: Scored[]) => Scored[]) {
  const sums = await unitWindowSums(db, subs, w.from, w.to, SCORE_COUNTERS);
  const zero = sumCounters([]);
  const ids = new Set([...sums.keys(), ...[...overdue.keys()].filter((k) => k !== '')]);
  const all = [...ids].map((id) => score(id, sums.get(id)?.c ?? NO_SCORE_COUNTERS, overdue.get(id) ?? 0, weights)).filter((r) => r.score !== null).sort(byRank);
  const shown = pick(all);
  const withRows = shown.filter((r) => sums.has(r.id));
  const full = await unitWindowSums(db, [...new Set(withRows.map((r) => sums.get(r.id)!.subdistrictId))], w.from, w.to, COUNTERS, withRows.map((r) => r.id));
  for (const r of shown) r.c = { ...zero, ...full.get(r.id)?.c };
  return { total: all.length, ranked: all, shown };
}

/**
 * 红黑榜: committees (or, for a viewer of several subdistricts asking citywide, subdistricts)
 * and handling units ranked by composite score over the window; the top five form the red list,
 * the bottom five the black list. Ties break on closure rate, then on volume handled, then id.
 * `rows` holds the first `limit` ranks and the black list; `total` counts every ranked row.
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
    caseKey = 'assigned_unit_id';
  } else if (level === 'subdistrict') {
    key = 'subdistrict_id';
    caseKey = 'subdistrict_id';
  } else {
    if (table === 'case_rollups_subdistrict_daily') table = 'case_rollups_committee_daily';
    key = 'committee_id';
    caseKey = 'committee_id';
  }
  const [overdue, weights] = await Promise.all([overdueUnhandled(db, slice, w, caseKey), weightsFor(db, slice.subdistrictId)]);
  const pick = (all: Scored[]) => {
    const n = Math.min(RED_BLACK, Math.floor(all.length / 2));
    const top = all.slice(0, limit);
    return [...top, ...all.slice(Math.max(top.length, all.length - n))];
  };
  let ranked: Scored[];
  let shown: Scored[];
  if (table === 'case_rollups_unit_daily') {
    const subs = f.subdistrictId ? [f.subdistrictId] : fullSubdistricts(actor);
    ({ ranked, shown } = await unitsFromCum(db, subs, w, overdue, weights, pick));
  } else {
    const where: Expression<SqlBool> = level === 'unit' ? sql<SqlBool>`${slice.where} and unit_id <> ''` : slice.where;
    const rows = new Map((await sumGrain(db, { table, where }, w, [key])).map((r) => [r[key] as string, r as Partial<Counters>]));
    // Ranked: whoever had events in the window or is holding overdue cases (same rule as above).
    const ids = new Set([...rows.keys(), ...[...overdue.keys()].filter((k) => k !== '')]);
    ranked = [...ids].map((id) => score(id, sumCounters(rows.has(id) ? [rows.get(id)!] : []), overdue.get(id) ?? 0, weights))
      .filter((r) => r.score !== null).sort(byRank);
    shown = pick(ranked);
  }
  const names = await namesOf(db, level, shown.map((r) => r.id));
  const rank = new Map(ranked.map((r, i) => [r.id, i + 1]));
  const rows = shown.map((r) => {
    const kpis = computeKpis({ c: { ...sumCounters([]), ...r.c }, overdueUnhandled: r.overdue });
    return { rank: rank.get(r.id)!, id: r.id, name: names.get(r.id) ?? r.id, kpis, ...compositeScore(kpis, weights) };
  });
  const n = Math.min(RED_BLACK, Math.floor(ranked.length / 2));
  return {
    window: w, level, total: ranked.length, rows,
    red: ranked.slice(0, n).map((r) => r.id), black: n ? ranked.slice(-n).map((r) => r.id).reverse() : [],
  };
}
