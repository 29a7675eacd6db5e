import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import { instantCompare } from '../../db/instants.js';
import type { Actor } from '../auth/actor.js';
import { can } from '../auth/permissions.js';
import { enforcementCounts } from '../enforcement/counts.js';
import type { Clock } from '../shared/clock.js';
import { invalidField } from '../shared/errors.js';
import type { Counters } from './counters.js';
import { DEFAULT_WEIGHTS, type ScoreWeights, compositeScore, computeKpis, sumCounters } from './kpis.js';
import { type DashboardFilter, type Slice, type Window, overdueUnhandled, resolveSlice, resolveWindow, sumGrain } from './slice.js';

/** The weights configured for these subdistricts (dashboard_settings); a subdistrict without a row is absent. */
export async function configuredWeights(db: Db, subdistrictIds: string[]): Promise<Map<string, ScoreWeights>> {
  if (!subdistrictIds.length) return new Map();
  const rows = await db.selectFrom('dashboard_settings').select(['subdistrict_id', 'weights']).where('subdistrict_id', 'in', subdistrictIds).execute();
  return new Map(rows.map((r) => [r.subdistrict_id, { ...DEFAULT_WEIGHTS, ...(JSON.parse(r.weights) as Partial<ScoreWeights>) }]));
}

/**
 * The weights a figure is scored with: those of the one subdistrict its rows belong to
 * (`Slice.subdistrictId`, resolved from the question and the viewer's scope), else the default
 * weighting, which a figure spanning several subdistricts (a district's or the city's) uses on
 * every surface.
 */
export async function weightsFor(db: Db, subdistrictId: string | null): Promise<ScoreWeights> {
  if (!subdistrictId) return DEFAULT_WEIGHTS;
  return (await configuredWeights(db, [subdistrictId])).get(subdistrictId) ?? DEFAULT_WEIGHTS;
}

/**
 * Open cases now (gauges): by status, overdue now, on hold, extensions pending. Open cases only.
 * Overdue now: marked and its due time passed (a mark kept through an extension waits for the
 * extended due time; overdueUnhandled).
 */
export async function openGauges(db: Db, s: Pick<Slice, 'caseWhere'>, nowAt: string) {
  const rows = await sql<{ status: string; n: number; overdue: number; ext: number }>`
    select status, count(*) as n,
      sum(case when overdue_at is not null and ${instantCompare(db, 'stage_due_at', '<=', nowAt)} then 1 else 0 end) as overdue,
      sum(case when pending_request = 'extension' then 1 else 0 end) as ext
    from cases where ${s.caseWhere} and status in ('reported', 'filed', 'dispatched', 'handled', 'on_hold')
    group by status`.execute(db);
  const byStatus: Record<string, number> = { reported: 0, filed: 0, dispatched: 0, handled: 0, on_hold: 0 };
  let overdueNow = 0;
  let extensionsPending = 0;
  for (const r of rows.rows) {
    byStatus[r.status] = Number(r.n);
    // 挂账 cases wait on nobody: not counted as overdue.
    if (r.status !== 'on_hold') overdueNow += Number(r.overdue);
    extensionsPending += Number(r.ext);
  }
  const open = Object.values(byStatus).reduce((a, b) => a + b, 0);
  return { open, byStatus, overdueNow, onHold: byStatus.on_hold ?? 0, extensionsPending };
}

export async function kpisFor(db: Db, slice: Slice, w: Window) {
  const [rows, overdue] = await Promise.all([sumGrain(db, slice, w), overdueUnhandled(db, slice, w)]);
  const c = sumCounters(rows as Partial<Counters>[]);
  return computeKpis({ c, overdueUnhandled: overdue.get('') ?? 0 });
}

/**
 * The dashboard's headline: KPIs for the window and slice (from rollups), the composite score
 * and grade, open-state gauges (from open cases) and, for viewers who may read them, the
 * enforcement figures (from the enforcement engineer's counts).
 */
export async function dashboardSummary(db: Db, clock: Clock, actor: Actor, f: DashboardFilter) {
  const w = resolveWindow(clock, f);
  const slice = await resolveSlice(db, actor, f);
  const [kpis, open, weights] = await Promise.all([kpisFor(db, slice, w), openGauges(db, slice, w.nowAt), weightsFor(db, slice.subdistrictId)]);
  const enforcement = can(actor, 'enforcement.read') && !f.gridId && !f.categoryId && !f.source && !f.unitId && !f.userId
    ? await enforcementCounts(db, actor, { from: w.fromAt, to: w.toAt }, clock.now())
    : null;
  return { window: w, grain: slice.table, kpis, ...compositeScore(kpis, weights), weights, open, enforcement };
}

/** Before/after: the same slice over two custom periods, with the change of every KPI. */
export async function compareWindows(db: Db, clock: Clock, actor: Actor, f: DashboardFilter & { beforeFrom: string; beforeTo: string; afterFrom: string; afterTo: string }) {
  if (f.beforeTo >= f.afterFrom) throw invalidField('afterFrom', 'the after period must start after the before period ends');
  const slice = await resolveSlice(db, actor, f);
  const before = resolveWindow(clock, { window: 'custom', from: f.beforeFrom, to: f.beforeTo });
  const after = resolveWindow(clock, { window: 'custom', from: f.afterFrom, to: f.afterTo });
  const [a, b, weights] = await Promise.all([kpisFor(db, slice, before), kpisFor(db, slice, after), weightsFor(db, slice.subdistrictId)]);
  const change: Record<string, number | null> = {};
  for (const k of Object.keys(a) as (keyof typeof a)[]) {
    const x = a[k];
    const y = b[k];
    change[k] = x === null || y === null ? null : Math.round((y - x) * 10000) / 10000;
  }
  return {
    before: { window: before, kpis: a, ...compositeScore(a, weights) },
    after: { window: after, kpis: b, ...compositeScore(b, weights) },
    change,
  };
}
