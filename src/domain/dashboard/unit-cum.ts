import { PostgresAdapter, sql } from 'kysely';
import type { Db } from '../../db/index.js';
import { addDays, datesBetween } from '../checkins/local-time.js';
import { COUNTERS, type Counters } from './counters.js';
import type { RollupAccumulator } from './grains.js';

/**
 * Cumulative handling-unit rollups (case_rollups_unit_cum): for each unit, the counters summed
 * from its first event through each day. A window [from, to] of a unit is then two rows,
 * cum(to) − cum(from − 1), whatever the window's length, so a citywide ranking of every handling
 * unit reads two rows per unit instead of one per unit and day.
 *
 * Rows exist for every (subdistrict, day, unit) with first(unit) ≤ day ≤ last(subdistrict), where
 * first(unit) is the unit's first event day and last(subdistrict) the latest event day with a unit
 * in that subdistrict. The set and the values depend only on the events, not on how they were
 * batched, so rebuilt == incremental.
 */
export const CUM_TABLE = 'case_rollups_unit_cum' as const;
/** The counters of case_rollups_unit_cum_score_ix (migration 2026-11-26T213500). */
export const SCORE_INDEX_COUNTERS = ['handled', 'handled_on_time', 'due_closed', 'due_closed_on_time', 'rework'] as const;

export interface UnitDelta {
  day: string;
  unitId: string;
  c: Partial<Counters>;
}

/** The unit deltas of one subdistrict's batch, from the accumulator's unit grain. */
export function unitDeltas(acc: RollupAccumulator): UnitDelta[] {
  const out: UnitDelta[] = [];
  for (const r of acc.rows.values()) if (r.table === 'case_rollups_unit_daily') out.push({ day: r.keys[0]!, unitId: r.keys[2]!, c: r.c });
  return out.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0));
}

const cols = () => sql.join(COUNTERS.map((c) => sql.ref(c)));

async function lastDay(db: Db, sub: string): Promise<string | null> {
  const r = await sql<{ d: string | null }>`select max(day) as d from ${sql.table(CUM_TABLE)} where subdistrict_id = ${sub}`.execute(db);
  return r.rows[0]?.d ?? null;
}

/** Folds one subdistrict's unit deltas into the cumulative rows (inside the fold's transaction). */
export async function flushUnitCum(db: Db, sub: string, deltas: UnitDelta[]) {
  if (!deltas.length) return;
  let last = await lastDay(db, sub);
  const maxDay = deltas[deltas.length - 1]!.day;
  if (last !== null && maxDay > last) {
    // Carry every unit's totals forward to each new day.
    for (const d of datesBetween(addDays(last, 1), maxDay)) {
      await sql`insert into ${sql.table(CUM_TABLE)} (subdistrict_id, day, unit_id, ${cols()})
        select subdistrict_id, ${d}, unit_id, ${cols()} from ${sql.table(CUM_TABLE)} where subdistrict_id = ${sub} and day = ${last}`.execute(db);
    }
  }
  if (last === null || maxDay > last) last = maxDay;
  for (const x of deltas) {
    // A delta can sum to zero (a closure and its reopen in one batch): nothing to add, but it
    // still marks the unit's first day below.
    const changed = COUNTERS.filter((c) => x.c[c]);
    if (changed.length) {
      const set = sql.join(changed.map((c) => sql`${sql.ref(c)} = ${sql.ref(c)} + ${x.c[c]!}`));
      await sql`update ${sql.table(CUM_TABLE)} set ${set} where subdistrict_id = ${sub} and unit_id = ${x.unitId} and day >= ${x.day}`.execute(db);
    }
    const first = await sql<{ d: string | null }>`select min(day) as d from ${sql.table(CUM_TABLE)} where subdistrict_id = ${sub} and unit_id = ${x.unitId}`.execute(db);
    const f = first.rows[0]?.d ?? null;
    // Days from this delta up to the unit's first row (or the subdistrict's last day) had no row yet.
    const until = f === null ? last : f > x.day ? addDays(f, -1) : null;
    if (until === null) continue;
    const days = datesBetween(x.day, until);
    const values = COUNTERS.map((c) => x.c[c] ?? 0);
    for (let i = 0; i < days.length; i += 100) {
      const rows = days.slice(i, i + 100).map((d) => sql`(${sql.join([sub, d, x.unitId, ...values])})`);
      await sql`insert into ${sql.table(CUM_TABLE)} (subdistrict_id, day, unit_id, ${cols()}) values ${sql.join(rows)}`.execute(db);
    }
  }
}

/** The cumulative rows a seed writes directly: same set and values as folding the deltas. */
export function cumRows(sub: string, deltas: UnitDelta[]): Record<string, string | number>[] {
  if (!deltas.length) return [];
  const last = deltas[deltas.length - 1]!.day;
  const byUnit = new Map<string, UnitDelta[]>();
  for (const d of deltas) {
    if (!byUnit.has(d.unitId)) byUnit.set(d.unitId, []);
    byUnit.get(d.unitId)!.push(d);
  }
  const out: Record<string, string | number>[] = [];
  for (const [unit, ds] of byUnit) {
    const run = Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Counters;
    let i = 0;
    for (const day of datesBetween(ds[0]!.day, last)) {
      while (i < ds.length && ds[i]!.day === day) {
        for (const c of COUNTERS) run[c] += ds[i]!.c[c] ?? 0;
        i++;
      }
      out.push({ subdistrict_id: sub, day, unit_id: unit, ...run });
    }
  }
  return out;
}

/**
 * Per unit of the given subdistricts, the chosen counters summed over [from, to]: two reads of
 * one day's rows per subdistrict (through `to`, through the day before `from`).
 */
export async function unitWindowSums<C extends (typeof COUNTERS)[number]>(
  db: Db, subs: string[], from: string, to: string, counters: readonly C[], unitIds?: string[],
) {
  const out = new Map<string, { subdistrictId: string; c: Record<C, number> }>();
  if (!subs.length || unitIds?.length === 0) return out;
  const lasts = await sql<{ id: string; d: string | null }>`
    select s.id, (select max(day) from ${sql.table(CUM_TABLE)} c where c.subdistrict_id = s.id) as d
    from subdistricts s where s.id in (${sql.join(subs)})`.execute(db);
  const before = addDays(from, -1);
  // Subdistricts grouped by the two days to read (almost always one group): through `to` (a) and
  // through the day before `from` (b); a unit with a row on b has one on a (rows run to the last day).
  const groups = new Map<string, { a: string; b: string; subs: string[] }>();
  for (const { id, d } of lasts.rows) {
    if (d === null) continue;
    const a = to < d ? to : d;
    const b = before < d ? before : d;
    const k = `${a}|${b}`;
    if (!groups.has(k)) groups.set(k, { a, b, subs: [] });
    groups.get(k)!.subs.push(id);
  }
  const diff = sql.join(counters.map((c) => sql`x.${sql.ref(c)} - coalesce(y.${sql.ref(c)}, 0) as ${sql.ref(c)}`));
  // The score counters are all in a covering index; SQLite (no statistics) would look y up by its
  // primary key and read every row, so it is named there.
  const scoreOnly = counters.every((c) => (SCORE_INDEX_COUNTERS as readonly string[]).includes(c));
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await windowSumsPostgres(db, groups.values(), counters, unitIds, out);
    return out;
  }
  const hint = scoreOnly ? sql` indexed by case_rollups_unit_cum_score_ix` : sql``;
  for (const g of groups.values()) {
    for (let i = 0; i < g.subs.length; i += 500) {
      const rows = await sql<Record<string, any>>`
        select x.subdistrict_id, x.unit_id, ${diff} from ${sql.table(CUM_TABLE)} x${hint}
        left join ${sql.table(CUM_TABLE)} y${hint} on y.subdistrict_id = x.subdistrict_id and y.day = ${g.b} and y.unit_id = x.unit_id
        where x.day = ${g.a} and x.subdistrict_id in (${sql.join(g.subs.slice(i, i + 500))})
        ${unitIds ? sql`and x.unit_id in (${sql.join(unitIds)})` : sql``}`.execute(db);
      for (const r of rows.rows) {
        const c = {} as Record<C, number>;
        for (const k of counters) c[k] = Number(r[k]);
        out.set(r.unit_id, { subdistrictId: r.subdistrict_id, c });
      }
    }
  }
  return out;
}

/**
 * PostgreSQL plans the self-join as one index probe per unit (5,600 citywide, ~35 ms). Here both
 * days come from one index range scan per subdistrict, and a hash aggregate subtracts them
 * (~11 ms): every unit with a row on `b` has one on `a` (rows run to the subdistrict's last day).
 */
async function windowSumsPostgres<C extends (typeof COUNTERS)[number]>(
  db: Db, groups: Iterable<{ a: string; b: string; subs: string[] }>, counters: readonly C[], unitIds: string[] | undefined,
  out: Map<string, { subdistrictId: string; c: Record<C, number> }>,
) {
  for (const g of groups) {
    // (a = b when the window starts after the last day: every sum is then 0.)
    const diff = sql.join(counters.map((c) => sql`sum(case when day = ${g.a} then ${sql.ref(c)} else 0 end) - sum(case when day = ${g.b} then ${sql.ref(c)} else 0 end) as ${sql.ref(c)}`));
    for (let i = 0; i < g.subs.length; i += 500) {
      const rows = await sql<Record<string, any>>`
        select subdistrict_id, unit_id, ${diff} from ${sql.table(CUM_TABLE)}
        where day in (${g.a}, ${g.b}) and subdistrict_id in (${sql.join(g.subs.slice(i, i + 500))})
        ${unitIds ? sql`and unit_id in (${sql.join(unitIds)})` : sql``}
        group by subdistrict_id, unit_id
        having max(case when day = ${g.a} then 1 else 0 end) = 1`.execute(db);
      for (const r of rows.rows) {
        const c = {} as Record<C, number>;
        for (const k of counters) c[k] = Number(r[k]);
        out.set(r.unit_id, { subdistrictId: r.subdistrict_id, c });
      }
    }
  }
}
