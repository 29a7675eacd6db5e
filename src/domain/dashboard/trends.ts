import { type Expression, type SqlBool, sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { touchedSubdistricts } from '../auth/scope.js';
import { shanghaiDate } from '../checkins/local-time.js';
import type { Clock } from '../shared/clock.js';
import { invalidField } from '../shared/errors.js';
import type { Counters } from './counters.js';
import { computeKpis, sumCounters } from './kpis.js';
import { type DashboardFilter, type Window, overdueUnhandledByDay, resolveSlice, resolveWindow, sumGrain } from './slice.js';

const LINE = (c: Counters) => ({
  found: c.found, reported: c.reported, selfResolved: c.self_resolved, dispatched: c.dispatched, handled: c.handled,
  closed: c.closed, overdue: c.overdue, rework: c.rework,
});

/**
 * Daily lines over the window: one point per Shanghai day (days without events are zeros). A
 * day's 按期处置率 is the KPI of that day alone: its overdue-unhandled cases (deadline on that day)
 * count among the due, as in the summary.
 */
export async function dailyTrend(db: Db, clock: Clock, actor: Actor, f: DashboardFilter) {
  const w = resolveWindow(clock, f);
  const slice = await resolveSlice(db, actor, f);
  const [rows, overdue] = await Promise.all([sumGrain(db, slice, w, ['day']), overdueUnhandledByDay(db, slice, w)]);
  const byDay = new Map(rows.map((r) => [r.day as string, sumCounters([r as Partial<Counters>])]));
  const zero = sumCounters([]);
  return {
    window: w,
    points: w.days.map((day) => {
      const c = byDay.get(day) ?? zero;
      const k = computeKpis({ c, overdueUnhandled: overdue.get(day) ?? 0 });
      return { day, ...LINE(c), overdueUnhandled: k.overdueUnhandled, onTimeHandlingRate: k.onTimeHandlingRate };
    }),
  };
}

/**
 * Hourly lines for one Shanghai day (default today), from the hourly grain. Only subdistrict and
 * committee slices exist at this grain; finer filters are refused naming the field.
 */
export async function hourlyTrend(db: Db, clock: Clock, actor: Actor, f: DashboardFilter & { date?: string }) {
  for (const k of ['gridId', 'categoryId', 'source', 'unitId', 'userId'] as const) {
    if (f[k]) throw invalidField(k, 'hourly lines are kept per subdistrict and committee only');
  }
  const date = f.date ?? shanghaiDate(clock.now());
  const slice = await resolveSlice(db, actor, f);
  const hours = { from: `${date}T00`, to: `${date}T23` };
  const rows = slice.districtIds
    ? await sumGrain(db, { table: 'case_rollups_district_hourly', where: sql<SqlBool>`district_id in (${sql.join(slice.districtIds)})` }, hours, ['hour'])
    : await sumGrain(db, { table: 'case_rollups_hourly', where: slice.where }, hours, ['hour']);
  const byHour = new Map(rows.map((r) => [r.hour as string, sumCounters([r as Partial<Counters>])]));
  const zero = sumCounters([]);
  return {
    date,
    points: Array.from({ length: 24 }, (_, h) => {
      const hour = `${date}T${String(h).padStart(2, '0')}`;
      return { hour, ...LINE(byHour.get(hour) ?? zero) };
    }),
  };
}

/** Category rows from the full grain (keyed by category id), merged by catalogue code. */
async function categoriesFromFullGrain(db: Db, where: Expression<SqlBool>, w: Window) {
  const byId = await sumGrain(db, { table: 'case_rollups_daily', where }, w, ['category_id']);
  const ids = byId.map((r) => r.category_id as string);
  const codes = ids.length ? await db.selectFrom('case_categories').select(['id', 'code']).where('id', 'in', ids).execute() : [];
  const codeOf = new Map(codes.map((c) => [c.id, c.code]));
  const merged = new Map<string, Record<string, any>[]>();
  for (const r of byId) {
    const code = codeOf.get(r.category_id) ?? r.category_id;
    merged.set(code, [...(merged.get(code) ?? []), r]);
  }
  return [...merged].map(([code, rs]) => ({ category_code: code, ...sumCounters(rs as Partial<Counters>[]) }));
}

/**
 * Category breakdown over the window. Whole-subdistrict viewers read the category grain (keyed by
 * catalogue code, so a citywide view adds up the same working standard across subdistricts);
 * committee viewers read the full grain of their committees.
 */
export async function categoryBreakdown(db: Db, clock: Clock, actor: Actor, f: DashboardFilter) {
  if (f.userId) throw invalidField('userId', 'the category breakdown is not kept per person');
  const w = resolveWindow(clock, f);
  const slice = await resolveSlice(db, actor, f);
  let rows: Record<string, any>[];
  const districts = slice.districtIds && !f.source ? slice.districtIds : null;
  if (districts) {
    // Every subdistrict of whole districts: one row per district, code and day.
    rows = await sumGrain(db, { table: 'case_rollups_district_category_daily', where: sql<SqlBool>`district_id in (${sql.join(districts)})` }, w, ['category_code']);
  } else if (slice.table === 'case_rollups_subdistrict_daily') {
    rows = await sumGrain(db, { table: 'case_rollups_category_daily', where: slice.where }, w, ['category_code']);
  } else {
    // committee, person-less filtered or citywide-by-source slices: the full grain, same scope
    const where = slice.districtIds ? (await resolveSlice(db, actor, f, { districtGrains: false })).where : slice.where;
    rows = await categoriesFromFullGrain(db, where, w);
  }
  const codes = rows.map((r) => r.category_code as string);
  // Names from one subdistrict's catalogue (codes are shared; the unique (subdistrict, code)
  // index answers it), never a scan of every subdistrict's catalogue.
  const nameSub = f.subdistrictId ?? touchedSubdistricts(actor)[0];
  const names = codes.length && nameSub
    ? await db.selectFrom('case_categories').select(['code', 'name_zh as zh', 'name_en as en'])
      .where('subdistrict_id', '=', nameSub).where('code', 'in', codes).execute()
    : [];
  const nameOf = new Map(names.map((n) => [n.code, n]));
  return {
    window: w,
    rows: rows
      .map((r) => {
        const c = sumCounters([r as Partial<Counters>]);
        return { code: r.category_code as string, zh: nameOf.get(r.category_code)?.zh ?? r.category_code, en: nameOf.get(r.category_code)?.en ?? r.category_code, found: c.found, closed: c.closed, overdue: c.overdue, rework: c.rework };
      })
      .sort((a, b) => b.found - a.found),
  };
}
