import { type Expression, type SqlBool, sql } from 'kysely';
import type { Db } from '../../db/index.js';
import { instantCompare } from '../../db/instants.js';
import type { CaseSource } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { assertSeesCommittee, assertSeesSubdistrict, fullSubdistricts, scopeCondition, scopedCommittees, touchedSubdistricts } from '../auth/scope.js';
import { CALENDAR_DAY_RANGE_REASON, CalendarDay } from '../calendar/day-schema.js';
import { addDays, datesBetween, daysBetween, shanghaiDate, shanghaiInstant } from '../checkins/local-time.js';
import type { Clock } from '../shared/clock.js';
import { invalidField, notFound } from '../shared/errors.js';
import { COUNTERS } from './counters.js';
import type { GrainTable } from './grains.js';

export const WINDOWS = ['today', '7d', '30d', 'custom'] as const;
export type WindowName = (typeof WINDOWS)[number];
export const MAX_WINDOW_DAYS = 366;

/** A dashboard question: who/what (slice) and when (window, in Shanghai days). */
export interface DashboardFilter {
  subdistrictId?: string;
  committeeId?: string;
  gridId?: string;
  categoryId?: string;
  source?: CaseSource;
  unitId?: string;
  userId?: string;
  window?: WindowName;
  /** Shanghai dates, inclusive; for window=custom */
  from?: string;
  to?: string;
}

export interface Window {
  name: WindowName;
  from: string;
  to: string;
  /** UTC instants: [fromAt, toAt) */
  fromAt: string;
  toAt: string;
  /** The instant the question was asked: a case is overdue now only once its due time has passed. */
  nowAt: string;
  days: string[];
}

/** today / last 7 days / last 30 days (both ending today) / custom, in Asia/Shanghai days. */
export function resolveWindow(clock: Clock, f: Pick<DashboardFilter, 'window' | 'from' | 'to'>): Window {
  const today = shanghaiDate(clock.now());
  const name = f.window ?? 'today';
  let from = today;
  let to = today;
  if (name === '7d') from = addDays(today, -6);
  else if (name === '30d') from = addDays(today, -29);
  else if (name === 'custom') {
    if (!f.from) throw invalidField('from', 'required for a custom window');
    from = f.from;
    to = f.to ?? f.from;
    // The routes check this (CalendarDay); a domain caller is held to it too.
    for (const [field, day] of [['from', from], ['to', to]] as const) {
      const ok = CalendarDay.safeParse(day);
      if (!ok.success) throw invalidField(field, ok.error.issues[0]?.message ?? CALENDAR_DAY_RANGE_REASON);
    }
    if (to < from) throw invalidField('to', 'must not be before from');
    if (daysBetween(from, to) > MAX_WINDOW_DAYS) throw invalidField('to', `at most ${MAX_WINDOW_DAYS} days`);
  }
  return { name, from, to, fromAt: shanghaiInstant(from).toISOString(), toAt: shanghaiInstant(addDays(to, 1)).toISOString(), nowAt: clock.now().toISOString(), days: datesBetween(from, to) };
}

/** The grain a question is answered from, and the WHERE that scopes it. */
export interface Slice {
  table: GrainTable;
  where: Expression<SqlBool>;
  /** conditions on the cases table for the open-state gauges (same scope and filters) */
  caseWhere: Expression<SqlBool>;
  /**
   * The one subdistrict every row of the slice belongs to, if there is one: its configured score
   * weights apply. It follows from the question and the viewer's scope, never from whether the
   * caller happened to name the subdistrict, so the console, the wall and the PDF agree.
   */
  subdistrictId: string | null;
  /** true when the viewer sees whole subdistricts only (so subdistrict-level grains are safe) */
  wholeSubdistricts: boolean;
  /** the districts asked about, when the question is every subdistrict of whole districts (district grains are safe) */
  districtIds: string[] | null;
}

/**
 * The districts a viewer sees every subdistrict of, when those are exactly what the viewer sees
 * (whole subdistricts, no single committees): then district grains answer the viewer's scope.
 */
export async function wholeDistricts(db: Db, actor: Actor): Promise<string[] | null> {
  const full = fullSubdistricts(actor);
  if (full.length < 2 || scopedCommittees(actor).length) return null;
  const ds = await db.selectFrom('subdistricts').select('district_id').distinct().where('id', 'in', full).execute();
  const inDs = await db.selectFrom('subdistricts').select('id').where('district_id', 'in', ds.map((d) => d.district_id)).execute();
  const seen = new Set(full);
  return inDs.length === seen.size && inDs.every((r) => seen.has(r.id)) ? ds.map((d) => d.district_id) : null;
}

const LONG_SCOPE = 8;

/**
 * The viewer's scope on the cases table: the same rows as scopeCondition. A long list of
 * subdistricts (a city) is written as a subquery so SQLite, which plans without statistics, seeks
 * the (subdistrict, status) index once per subdistrict instead of scanning every case.
 */
export function caseScope(actor: Actor): Expression<SqlBool> {
  const subs = fullSubdistricts(actor);
  const coms = scopedCommittees(actor);
  if (subs.length <= LONG_SCOPE && coms.length <= LONG_SCOPE) return scopeCondition(actor, 'subdistrict_id', 'committee_id');
  const parts: Expression<SqlBool>[] = [];
  if (subs.length) parts.push(sql<SqlBool>`subdistrict_id in (select id from subdistricts where id in (${sql.join(subs)}))`);
  if (coms.length) parts.push(sql<SqlBool>`committee_id in (select id from committees where id in (${sql.join(coms)}))`);
  return parts.length === 1 ? parts[0]! : sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
}

/** A grid, category or handling unit belongs to one subdistrict: its rows are only there. */
async function ownerOf(db: Db, f: DashboardFilter): Promise<string | null | undefined> {
  if (f.subdistrictId) return undefined;
  const [table, id] = f.gridId ? ['grids', f.gridId] as const : f.categoryId ? ['case_categories', f.categoryId] as const : f.unitId ? ['handling_units', f.unitId] as const : [null, null];
  if (!table) return undefined;
  const row = await db.selectFrom(table).select('subdistrict_id').where('id', '=', id).executeTakeFirst();
  return row?.subdistrict_id ?? null;
}

const and = (parts: Expression<SqlBool>[]) => (parts.length ? sql<SqlBool>`(${sql.join(parts, sql` and `)})` : sql<SqlBool>`1 = 1`);

/** Checks the named subdistrict/committee are visible (404 otherwise) and picks the grain. */
export async function resolveSlice(db: Db, actor: Actor, f: DashboardFilter, opts: { districtGrains?: boolean } = {}): Promise<Slice> {
  assertCan(actor, 'dashboard.read');
  if (f.subdistrictId) assertSeesSubdistrict(actor, f.subdistrictId, 'subdistrict');
  let committeeSub: string | null = null;
  if (f.committeeId) {
    const c = await db.selectFrom('committees').select(['id', 'subdistrict_id']).where('id', '=', f.committeeId).executeTakeFirst();
    if (!c) throw notFound('committee');
    assertSeesCommittee(actor, c.subdistrict_id, c.id, 'committee');
    if (f.subdistrictId && f.subdistrictId !== c.subdistrict_id) throw notFound('committee');
    committeeSub = c.subdistrict_id;
  }
  if (f.userId && (f.gridId || f.categoryId || f.source || f.unitId)) {
    throw invalidField('userId', 'a person slice cannot be combined with grid, category, source or unit');
  }
  const wholeSubdistricts = scopedCommittees(actor).length === 0 || (!!f.subdistrictId && fullSubdistricts(actor).includes(f.subdistrictId));
  const wholeSub = wholeSubdistricts && !f.committeeId;
  let table: GrainTable;
  if (f.userId) table = 'case_rollups_person_daily';
  else if (f.gridId || f.categoryId || f.source || (f.unitId && (f.committeeId || !wholeSub))) table = 'case_rollups_daily';
  else if (f.unitId) table = 'case_rollups_unit_daily';
  else if (f.committeeId || !wholeSub) table = 'case_rollups_committee_daily';
  else table = 'case_rollups_subdistrict_daily';

  const hasCommittee = table !== 'case_rollups_subdistrict_daily' && table !== 'case_rollups_unit_daily';
  const parts: Expression<SqlBool>[] = [];
  const caseParts: Expression<SqlBool>[] = [caseScope(actor)];
  if (hasCommittee) parts.push(scopeCondition(actor, 'subdistrict_id', 'committee_id'));
  else parts.push(fullSubdistricts(actor).length ? sql<SqlBool>`subdistrict_id in (${sql.join(fullSubdistricts(actor))})` : sql<SqlBool>`1 = 0`);
  const eq = (col: string, v: string | undefined, caseCol = col) => {
    if (v === undefined) return;
    parts.push(sql<SqlBool>`${sql.ref(col)} = ${v}`);
    caseParts.push(sql<SqlBool>`${sql.ref(caseCol)} = ${v}`);
  };
  eq('subdistrict_id', f.subdistrictId);
  eq('committee_id', f.committeeId);
  eq('grid_id', f.gridId);
  eq('category_id', f.categoryId);
  eq('source', f.source);
  // The unit a case is answerable to (a person named alone stands for theirs), as the fold counts it.
  eq('unit_id', f.unitId, 'responsible_unit_id');
  eq('user_id', f.userId, 'assigned_user_id');
  const owner = await ownerOf(db, f);
  if (owner !== undefined) parts.push(owner === null ? sql<SqlBool>`1 = 0` : sql<SqlBool>`subdistrict_id = ${owner}`);
  // Citywide, unfiltered or by source only: the district grain (tens of rows, not one per subdistrict).
  const onlySource = !f.subdistrictId && !f.committeeId && !f.gridId && !f.categoryId && !f.unitId && !f.userId;
  const districtIds = opts.districtGrains !== false && onlySource && wholeSub ? await wholeDistricts(db, actor) : null;
  if (districtIds) {
    const where = [sql<SqlBool>`district_id in (${sql.join(districtIds)})`];
    if (f.source) where.push(sql<SqlBool>`source = ${f.source}`);
    return { table: 'case_rollups_district_source_daily', where: and(where), caseWhere: and(caseParts), subdistrictId: null, wholeSubdistricts: wholeSub, districtIds };
  }
  const only = touchedSubdistricts(actor);
  const scoreSub = f.subdistrictId ?? committeeSub ?? owner ?? (only.length === 1 ? only[0]! : f.userId ? await personSubdistrict(db, f.userId) : null);
  return { table, where: and(parts), caseWhere: and(caseParts), subdistrictId: scoreSub, wholeSubdistricts: wholeSub, districtIds: null };
}

/** A person's own subdistrict (null for district-level staff): whose cases a person slice holds. */
async function personSubdistrict(db: Db, userId: string): Promise<string | null> {
  return (await db.selectFrom('users').select('subdistrict_id').where('id', '=', userId).executeTakeFirst())?.subdistrict_id ?? null;
}

/** SELECT list summing every counter. */
export const counterSums = () => COUNTERS.map((c) => sql<number>`coalesce(sum(${sql.ref(c)}), 0)`.as(c));

/** Sums counters of a grain over a day range, optionally grouped. */
export async function sumGrain(db: Db, s: Pick<Slice, 'table' | 'where'>, w: Pick<Window, 'from' | 'to'>, groupBy: string[] = []) {
  const time = s.table.endsWith('_hourly') ? 'hour' : 'day';
  const groups = groupBy.map((g) => sql.ref(g));
  const rows = await sql<Record<string, any>>`
    select ${sql.join([...groups, ...counterSums()])} from ${sql.table(s.table)}
    where ${s.where} and ${sql.ref(time)} >= ${w.from} and ${sql.ref(time)} <= ${w.to}
    ${groupBy.length ? sql`group by ${sql.join(groups)}` : sql``}`.execute(db);
  return rows.rows;
}

/**
 * 超期未处置: open now in the handling stage (status dispatched; on hold is excluded by status),
 * past its handling deadline, whose deadline fell inside the window, and never handled: a case
 * handled before (back after a failed check, re-dispatched or reopened) is already counted once
 * among the handled. An indexed query on open cases, never on history. Past its deadline means
 * marked overdue and the due time passed: a stage marked before an extension keeps its mark
 * (counted once), but is not overdue again until the extended due time has passed.
 */
export async function overdueUnhandled(db: Db, s: Pick<Slice, 'caseWhere'>, w: Pick<Window, 'fromAt' | 'toAt' | 'nowAt'>, groupBy?: string) {
  const g = groupBy ? sql.ref(groupBy) : null;
  const rows = await sql<{ k: string | null; n: number }>`
    select ${g ?? sql`null`} as k, count(*) as n from cases
    where ${s.caseWhere} and status = 'dispatched' and overdue_at is not null and handled_at is null
      and stage_due_at >= ${w.fromAt} and stage_due_at < ${w.toAt} and ${instantCompare(db, 'stage_due_at', '<=', w.nowAt)}
    ${g ? sql`group by ${g}` : sql``}`.execute(db);
  return new Map(rows.rows.map((r) => [r.k ?? '', Number(r.n)]));
}

/**
 * 超期未处置 of each Shanghai day of the window: the cases `overdueUnhandled` counts, by the day
 * their handling deadline fell on, so a day's point of the daily line has the same 应处置 (and
 * 按期处置率) as that day asked alone. Reads the deadlines of those open cases only.
 */
export async function overdueUnhandledByDay(db: Db, s: Pick<Slice, 'caseWhere'>, w: Pick<Window, 'fromAt' | 'toAt' | 'nowAt'>) {
  const rows = await sql<{ due: string }>`
    select stage_due_at as due from cases
    where ${s.caseWhere} and status = 'dispatched' and overdue_at is not null and handled_at is null
      and stage_due_at >= ${w.fromAt} and stage_due_at < ${w.toAt} and ${instantCompare(db, 'stage_due_at', '<=', w.nowAt)}`.execute(db);
  const byDay = new Map<string, number>();
  for (const r of rows.rows) {
    const day = shanghaiDate(new Date(r.due));
    byDay.set(day, (byDay.get(day) ?? 0) + 1);
  }
  return byDay;
}
