import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { assertSeesSubdistrict, scopeCondition, touchedSubdistricts } from '../auth/scope.js';
import { addDays, shanghaiDate, shanghaiMidnight } from '../calendar/office-hours.js';
import { OPEN_STATUSES } from '../cases/lifecycle.js';
import { BAD_RATING_MAX_LEVEL } from '../service-ratings/rating-input.js';
import { gridCoverage, type GridState } from '../service-network/grid-coverage.js';
import { figuresInScope } from '../service-queue/waiting-figures.js';
import type { Clock } from '../shared/clock.js';

export const DEFAULT_RATING_DAYS = 30;
const DAY_MS = 86_400_000;

export interface ServicesBoardRow {
  subdistrictId: string;
  name: string;
  records: { acceptedToday: number; finishedToday: number; overdue: number };
  ratings: { total: number; good: number; bad: number; goodRate: number | null };
  badRatings: { open: number; pastDue: number };
  terminals: { monitored: number; down: number };
  /** Today's queue per point that issued tickets (waiting-figures.ts): wait = called − issued, service = finished − started, in seconds. */
  waits: PointWaits[];
  zones: {
    grids: number; builtGrids: number; plannedGrids: number; uncoveredGrids: number; builtZones: number; plannedZones: number;
    perGrid: { gridId: string; code: string; name: string; state: GridState; builtZones: number; plannedZones: number; plannedTarget: string | null }[];
  };
}

export interface PointWaits {
  pointId: string;
  name: string;
  kind: string;
  tickets: number;
  called: number;
  served: number;
  waitMedianS: number | null;
  waitP90S: number | null;
  serviceMedianS: number | null;
  serviceP90S: number | null;
}

type Counts = Map<string, Record<string, number>>;
const n = (v: unknown) => Number(v ?? 0);

/** Rows of (subdistrict_id, counters…) into a map by subdistrict. */
function bySubdistrict<R extends { subdistrict_id: string }>(rows: R[]): Counts {
  return new Map(rows.map(({ subdistrict_id, ...rest }) => [subdistrict_id, Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, n(v)]))]));
}

/**
 * The 一网通办 board of the dashboard and the wall (三实时 for the front office), one row per
 * subdistrict in the viewer's scope (a committee's cadre: their committee's windows only):
 * today's records accepted and finished (办结) and the open ones past their promised limit;
 * 好评率 over the last `ratingDays` days (好评 = every level above the two 差评 levels; ratings
 * voided on appeal left out); 差评 whose follow-up case is still open, and those of them not yet
 * rectified or explained past their deadline; monitored terminals down; and the self-service
 * zone plan per police grid (the grid coverage report as of today).
 */
export async function servicesBoard(db: Db, clock: Clock, actor: Actor, f: { subdistrictId?: string; ratingDays?: number } = {}) {
  assertCan(actor, 'dashboard.read');
  if (f.subdistrictId) assertSeesSubdistrict(actor, f.subdistrictId, 'subdistrict');
  const subs = f.subdistrictId ? [f.subdistrictId] : touchedSubdistricts(actor);
  const now = clock.now();
  const nowIso = now.toISOString();
  const today = shanghaiDate(now);
  const dayStart = new Date(shanghaiMidnight(today)).toISOString();
  const dayEnd = new Date(shanghaiMidnight(addDays(today, 1))).toISOString();
  const ratingDays = f.ratingDays ?? DEFAULT_RATING_DAYS;
  const ratingFrom = new Date(now.getTime() - ratingDays * DAY_MS).toISOString();
  const empty = { totals: null, subdistricts: [] as ServicesBoardRow[] };
  if (!subs.length) return { date: today, at: nowIso, ratingWindow: { days: ratingDays, from: ratingFrom, to: nowIso }, ...empty };

  const inSubs = (col: string) => sql<boolean>`${sql.ref(col)} in (${sql.join(subs)})`;
  const names = await db.selectFrom('subdistricts').select(['id', 'name']).where(inSubs('id')).orderBy('code').execute();

  const records = bySubdistrict(
    await db
      .selectFrom('service_records as r')
      .select([
        'r.subdistrict_id',
        sql<number>`sum(case when r.accepted_at >= ${dayStart} and r.accepted_at < ${dayEnd} then 1 else 0 end)`.as('accepted'),
        sql<number>`sum(case when r.status = 'completed' and r.decided_at >= ${dayStart} and r.decided_at < ${dayEnd} then 1 else 0 end)`.as('finished'),
        sql<number>`sum(case when r.decided_at is null and r.due_at < ${nowIso} then 1 else 0 end)`.as('overdue'),
      ])
      .where(inSubs('r.subdistrict_id'))
      .where(scopeCondition(actor, 'r.subdistrict_id', 'r.committee_id'))
      // Only rows that can count: accepted or decided today, or still open.
      .where((eb) => eb.or([eb('r.accepted_at', '>=', dayStart), eb('r.decided_at', '>=', dayStart), eb('r.decided_at', 'is', null)]))
      .groupBy('r.subdistrict_id')
      .execute(),
  );

  const ratings = bySubdistrict(
    await db
      .selectFrom('service_ratings as r')
      .select([
        'r.subdistrict_id',
        sql<number>`count(*)`.as('total'),
        sql<number>`sum(case when r.level > ${BAD_RATING_MAX_LEVEL} then 1 else 0 end)`.as('good'),
      ])
      .where(inSubs('r.subdistrict_id'))
      .where(scopeCondition(actor, 'r.subdistrict_id', 'r.committee_id'))
      .where('r.voided_at', 'is', null)
      .where('r.rated_at', '>=', ratingFrom)
      .where('r.rated_at', '<=', nowIso)
      .groupBy('r.subdistrict_id')
      .execute(),
  );

  const bad = bySubdistrict(
    await db
      .selectFrom('service_rating_followups as fu')
      .innerJoin('service_ratings as r', 'r.id', 'fu.rating_id')
      .innerJoin('cases as c', 'c.id', 'fu.case_id')
      .select([
        'fu.subdistrict_id',
        sql<number>`count(*)`.as('open'),
        // Not while on hold (挂账 stops the clock); before its dispatch, the rating's deadline.
        sql<number>`sum(case when c.handled_on_time is null and c.status <> 'on_hold' and coalesce(c.handle_due_at, fu.due_at) < ${nowIso} then 1 else 0 end)`.as('past_due'),
      ])
      .where(inSubs('fu.subdistrict_id'))
      .where(scopeCondition(actor, 'r.subdistrict_id', 'r.committee_id'))
      .where('r.voided_at', 'is', null)
      .where('c.status', 'in', OPEN_STATUSES)
      .groupBy('fu.subdistrict_id')
      .execute(),
  );

  const terminals = bySubdistrict(
    await db
      .selectFrom('service_terminals as t')
      .innerJoin('service_points as p', 'p.id', 't.point_id')
      .select(['p.subdistrict_id', sql<number>`count(*)`.as('monitored'), sql<number>`sum(case when t.state = 'down' then 1 else 0 end)`.as('down')])
      .where(inSubs('p.subdistrict_id'))
      .where(scopeCondition(actor, 'p.subdistrict_id', 'p.committee_id'))
      .where('p.status', '=', 'built')
      .where('p.terminal_token_hash', 'is not', null)
      .groupBy('p.subdistrict_id')
      .execute(),
  );

  const figures = await figuresInScope(db, clock, actor, { from: today, to: today, ...(f.subdistrictId ? { subdistrictId: f.subdistrictId } : {}) });
  const pointIds = figures.byPoint.filter((p) => p.tickets > 0).map((p) => p.pointId);
  const points = new Map<string, { name: string; kind: string; subdistrict_id: string }>();
  for (let i = 0; i < pointIds.length; i += 500) {
    const rows = await db.selectFrom('service_points').select(['id', 'name', 'kind', 'subdistrict_id']).where('id', 'in', pointIds.slice(i, i + 500)).execute();
    for (const p of rows) points.set(p.id, p);
  }
  const waitsOf = (subdistrictId: string): PointWaits[] =>
    figures.byPoint
      .filter((w) => w.tickets > 0 && points.get(w.pointId)?.subdistrict_id === subdistrictId)
      .map((w) => ({
        pointId: w.pointId, name: points.get(w.pointId)!.name, kind: points.get(w.pointId)!.kind, tickets: w.tickets, called: w.called, served: w.served,
        waitMedianS: w.waitMedianS, waitP90S: w.waitP90S, serviceMedianS: w.serviceMedianS, serviceP90S: w.serviceP90S,
      }))
      .sort((a, b) => b.tickets - a.tickets || a.name.localeCompare(b.name));

  const coverage = await gridCoverage(db, clock, actor, { asOf: today, ...(f.subdistrictId ? { subdistrictId: f.subdistrictId } : {}) });

  const rows: ServicesBoardRow[] = names.map(({ id, name }) => {
    const rec = records.get(id) ?? {};
    const rat = ratings.get(id) ?? {};
    const b = bad.get(id) ?? {};
    const term = terminals.get(id) ?? {};
    const grids = coverage.grids.filter((g) => g.subdistrictId === id);
    const total = n(rat.total);
    const good = n(rat.good);
    return {
      subdistrictId: id,
      name,
      records: { acceptedToday: n(rec.accepted), finishedToday: n(rec.finished), overdue: n(rec.overdue) },
      ratings: { total, good, bad: total - good, goodRate: total ? good / total : null },
      badRatings: { open: n(b.open), pastDue: n(b.past_due) },
      terminals: { monitored: n(term.monitored), down: n(term.down) },
      waits: waitsOf(id),
      zones: {
        grids: grids.length,
        builtGrids: grids.filter((g) => g.state === 'built').length,
        plannedGrids: grids.filter((g) => g.state === 'planned').length,
        uncoveredGrids: grids.filter((g) => g.state === 'uncovered').length,
        builtZones: grids.reduce((s, g) => s + g.builtZones, 0),
        plannedZones: grids.reduce((s, g) => s + g.plannedZones, 0),
        perGrid: grids.map((g) => ({ gridId: g.id, code: g.code, name: g.name, state: g.state, builtZones: g.builtZones, plannedZones: g.plannedZones, plannedTarget: g.plannedTarget })),
      },
    };
  });

  const sum = (pick: (r: ServicesBoardRow) => number) => rows.reduce((s, r) => s + pick(r), 0);
  const ratingTotal = sum((r) => r.ratings.total);
  const ratingGood = sum((r) => r.ratings.good);
  const totals = {
    records: { acceptedToday: sum((r) => r.records.acceptedToday), finishedToday: sum((r) => r.records.finishedToday), overdue: sum((r) => r.records.overdue) },
    ratings: { total: ratingTotal, good: ratingGood, bad: ratingTotal - ratingGood, goodRate: ratingTotal ? ratingGood / ratingTotal : null },
    badRatings: { open: sum((r) => r.badRatings.open), pastDue: sum((r) => r.badRatings.pastDue) },
    terminals: { monitored: sum((r) => r.terminals.monitored), down: sum((r) => r.terminals.down) },
    zones: {
      grids: sum((r) => r.zones.grids), builtGrids: sum((r) => r.zones.builtGrids), plannedGrids: sum((r) => r.zones.plannedGrids),
      uncoveredGrids: sum((r) => r.zones.uncoveredGrids), builtZones: sum((r) => r.zones.builtZones), plannedZones: sum((r) => r.zones.plannedZones),
    },
  };
  return { date: today, at: nowIso, ratingWindow: { days: ratingDays, from: ratingFrom, to: nowIso }, totals, subdistricts: rows };
}
