import { type Expression, type SqlBool, sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { touchedSubdistricts } from '../auth/scope.js';
import type { Clock } from '../shared/clock.js';
import type { Counters } from './counters.js';
import { compositeScore, computeKpis, sumCounters } from './kpis.js';
import { type DashboardFilter, overdueUnhandled, resolveSlice, resolveWindow, sumGrain } from './slice.js';
import { weightsFor } from './summary.js';

export const RANK_OF = ['committee', 'unit'] as const;
export type RankOf = (typeof RANK_OF)[number];

const RED_BLACK = 5;

async function namesOf(db: Db, level: 'subdistrict' | 'committee' | 'unit', ids: string[]) {
  if (!ids.length) return new Map<string, string>();
  const table = level === 'subdistrict' ? 'subdistricts' : level === 'committee' ? 'committees' : 'handling_units';
  const rows = await db.selectFrom(table).select(['id', 'name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/**
 * 红黑榜: committees (or, for a viewer of several subdistricts asking citywide, subdistricts)
 * and handling units ranked by composite score over the window; the top five form the red list,
 * the bottom five the black list. Ties break on closure rate, then on volume handled.
 */
export async function dashboardRankings(db: Db, clock: Clock, actor: Actor, f: DashboardFilter & { of: RankOf }) {
  const w = resolveWindow(clock, f);
  const slice = await resolveSlice(db, actor, { ...f, unitId: undefined, userId: undefined });
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
  const where: Expression<SqlBool> = level === 'unit' ? sql<SqlBool>`${slice.where} and unit_id <> ''` : slice.where;
  const [rows, overdue, weights] = await Promise.all([
    sumGrain(db, { table, where }, w, [key]),
    overdueUnhandled(db, slice, w, caseKey),
    weightsFor(db, slice.subdistrictId),
  ]);
  const names = await namesOf(db, level, rows.map((r) => r[key] as string));
  const ranked = rows
    .map((r) => {
      const id = r[key] as string;
      const kpis = computeKpis({ c: sumCounters([r as Partial<Counters>]), overdueUnhandled: overdue.get(id) ?? 0 });
      return { id, name: names.get(id) ?? id, kpis, ...compositeScore(kpis, weights) };
    })
    .filter((r) => r.score !== null)
    .sort((a, b) => (b.score! - a.score!) || ((b.kpis.closureRate ?? 0) - (a.kpis.closureRate ?? 0)) || (b.kpis.handled - a.kpis.handled))
    .map((r, i) => ({ rank: i + 1, ...r }));
  const n = Math.min(RED_BLACK, Math.floor(ranked.length / 2));
  return { window: w, level, rows: ranked, red: ranked.slice(0, n).map((r) => r.id), black: n ? ranked.slice(-n).map((r) => r.id).reverse() : [] };
}
