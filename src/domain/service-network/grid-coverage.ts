import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { subdistrictCondition } from '../auth/scope.js';
import { shanghaiDate } from '../calendar/office-hours.js';
import type { Clock } from '../shared/clock.js';
import { invalidField } from '../shared/errors.js';

export type GridState = 'built' | 'planned' | 'uncovered';

export interface GridCoverageRow {
  id: string;
  code: string;
  name: string;
  subdistrictId: string;
  subdistrictName: string;
  lng: number;
  lat: number;
  state: GridState;
  builtZones: number;
  plannedZones: number;
  /** Earliest target date of a planned zone (null when none is planned). */
  plannedTarget: string | null;
  /** Covered by `by`: a zone built by then, or planned with a target on or before it. */
  coveredBy: boolean;
}

/**
 * The self-service-zone plan per police grid (警务网格): which grids have a built 政务服务自助办理专区
 * on `asOf`, which only a planned one, which none; and whether the plan covers every grid by `by`
 * (default: the end of asOf's year) — the newspaper's "6 built, 20 planned, every grid" as a query.
 */
export async function gridCoverage(db: Db, clock: Clock, actor: Actor, opts: { asOf?: string; by?: string; subdistrictId?: string } = {}) {
  assertCan(actor, 'services.read');
  const asOf = opts.asOf ?? shanghaiDate(clock.now());
  const by = opts.by ?? `${asOf.slice(0, 4)}-12-31`;
  if (by < asOf) throw invalidField('by', 'must not be before asOf');
  let gq = db
    .selectFrom('service_grids')
    .innerJoin('subdistricts', 'subdistricts.id', 'service_grids.subdistrict_id')
    .select(['service_grids.id', 'service_grids.code', 'service_grids.name', 'service_grids.subdistrict_id', 'subdistricts.name as subdistrict_name', 'service_grids.lng', 'service_grids.lat'])
    .where(subdistrictCondition(actor, 'service_grids.subdistrict_id'));
  if (opts.subdistrictId) gq = gq.where('service_grids.subdistrict_id', '=', opts.subdistrictId);
  const grids = await gq.orderBy('service_grids.code').execute();
  // Planned on asOf: planned by then (a plan made later was not there yet), neither built nor
  // dropped (closed unbuilt) by then — whatever became of it since.
  const plannedThen = sql<boolean>`(planned_on is null or planned_on <= ${asOf}) and (built_on is null or built_on > ${asOf}) and (closed_on is null or closed_on > ${asOf})`;
  // One aggregate per grid over its zones, in the database (a city has thousands of points).
  let zq = db
    .selectFrom('service_points')
    .select([
      'grid_id',
      sql<number>`sum(case when built_on is not null and built_on <= ${asOf} and (closed_on is null or closed_on > ${asOf}) then 1 else 0 end)`.as('built'),
      sql<number>`sum(case when ${plannedThen} then 1 else 0 end)`.as('planned'),
      // When a planned zone opens: the day it was built, else its target; a plan dropped since never opens.
      sql<string | null>`min(case when ${plannedThen} then case when built_on is not null then built_on when status = 'planned' then coalesce(target_on, '9999-12-31') end end)`.as('target'),
      sql<number>`sum(case when built_on is not null and built_on <= ${by} and (closed_on is null or closed_on > ${by}) then 1 else 0 end)`.as('built_by'),
      // What still stands to cover the grid by `by`: the target of a plan not yet carried out (one built since is in built_by).
      sql<string | null>`min(case when ${plannedThen} and status = 'planned' then target_on end)`.as('plan_target'),
    ])
    .where('kind', '=', 'self_service_zone')
    .where('grid_id', 'is not', null)
    .where(subdistrictCondition(actor, 'service_points.subdistrict_id'));
  if (opts.subdistrictId) zq = zq.where('subdistrict_id', '=', opts.subdistrictId);
  const zones = new Map((await zq.groupBy('grid_id').execute()).map((z) => [z.grid_id as string, z]));
  const rows: GridCoverageRow[] = grids.map((g) => {
    const z = zones.get(g.id);
    const built = Number(z?.built ?? 0);
    const planned = Number(z?.planned ?? 0);
    const target = z?.target && z.target !== '9999-12-31' ? z.target : null;
    return {
      id: g.id, code: g.code, name: g.name, subdistrictId: g.subdistrict_id, subdistrictName: g.subdistrict_name, lng: g.lng, lat: g.lat,
      state: built > 0 ? 'built' : planned > 0 ? 'planned' : 'uncovered',
      builtZones: built,
      plannedZones: planned,
      plannedTarget: target,
      // The state at `by`, not today's: a zone built now but closed by then covers nothing then.
      coveredBy: Number(z?.built_by ?? 0) > 0 || (z?.plan_target != null && z.plan_target <= by),
    };
  });
  const count = (s: GridState) => rows.filter((r) => r.state === s).length;
  const subdistricts = new Set(rows.map((r) => r.subdistrictId));
  return {
    asOf,
    by,
    totals: {
      grids: rows.length,
      subdistricts: subdistricts.size,
      builtGrids: count('built'),
      plannedGrids: count('planned'),
      uncoveredGrids: count('uncovered'),
      builtZones: rows.reduce((s, r) => s + r.builtZones, 0),
      plannedZones: rows.reduce((s, r) => s + r.plannedZones, 0),
      coveredByDate: rows.filter((r) => r.coveredBy).length,
      everyGridCoveredBy: rows.length > 0 && rows.every((r) => r.coveredBy),
    },
    grids: rows,
  };
}
