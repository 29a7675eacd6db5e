import type { Db } from '../../../db/index.js';
import type { CaseEventTable, CaseStatus, CaseTable } from '../../../db/schema.js';
import { shanghaiDay } from '../../cases/case-number.js';
import { DEFAULT_SPOT_CHECK_PERCENT, inSpotCheckSample } from '../../cases/spot-checks.js';
import { GENESIS_HASH, canonicalJson, eventHash } from '../../cases/hash-chain.js';
import { addDays, shanghaiDate, shanghaiInstant } from '../../checkins/local-time.js';
import { type Random, seededRandom } from '../../shared/random.js';
import { idAt } from './synthetic-ids.js';
import { COUNTERS, type CaseAttrs, type FoldState, foldEvent, initialState } from '../counters.js';
import { DISTRICT_GRAINS, GRAINS, type GrainTable, RollupAccumulator } from '../grains.js';
import { cumRows, unitDeltas } from '../unit-cum.js';
import type { BulkSink } from '../../../db/bulk-sink.js';
import type { FileStore } from '../../storage/file-store.js';
import { dressHistory } from './history-evidence.js';

/**
 * Synthetic history for benchmarks: a year of cases with realistic lifecycles for one subdistrict,
 * written with batched inserts together with its hash chain, its rollups (folded by the same
 * foldEvent as the live job) and the rollup cursor at the chain head. Rates aim at the published
 * figures (DOMAIN.md): about 99 % closed, a few % late, rework about 0.5 %, self-resolved about
 * 45 % of everything found.
 */
export interface CaseYearOptions {
  days: number;
  casesPerDay: number;
  seed: number;
  now: Date;
  /** Where the history's photos are stored; without it the history has none (a benchmark's city-year). */
  files?: FileStore;
}

const MIN = 60_000;
const HOUR = 60 * MIN;

export interface Ctx {
  committees: { id: string }[];
  sites: { id: string; committee_id: string; grid_id: string | null; lng: number; lat: number; kind?: string; name?: string }[];
  /** siteKinds: the site kinds a standard fits (empty = any); nameZh for the description */
  categories: { id: string; code: string; siteKinds?: string[]; nameZh?: string }[];
  /** The handling units someone can handle for (see handlers). */
  units: string[];
  /** Who may handle each unit's cases (assignees.ts isAssignee): its handlers; a committee unit's cadres; the enforcement team's officers. */
  handlers: Map<string, string[]>;
  /** Each unit's kind and committee, to dispatch as the desk does (absent: any unit). */
  unitInfo?: Map<string, { kind: string; committeeId: string | null }>;
  /** Finders: patrol officers (市容辅助力量) and committee cadres */
  patrols: string[];
  /** The role of each finder (default patrol) */
  roles?: Map<string, string>;
  /** Patrol officers: never staff of a handling unit, so always independent checkers. */
  checkers: Set<string>;
  operators: string[];
}

async function loadCtx(db: Db, sub: string): Promise<Ctx> {
  const [committees, sites, categories, units, users, scopes] = await Promise.all([
    db.selectFrom('committees').select('id').where('subdistrict_id', '=', sub).execute(),
    db.selectFrom('sites').select(['id', 'committee_id', 'grid_id', 'lng', 'lat', 'kind', 'name']).where('subdistrict_id', '=', sub).where('status', '=', 'active').execute(),
    db.selectFrom('case_categories').select(['id', 'code', 'site_kinds', 'name_zh']).where('subdistrict_id', '=', sub).where('level', '=', 'standard').where('active', '=', 1).execute(),
    db.selectFrom('handling_units').select(['id', 'kind', 'committee_id']).where('subdistrict_id', '=', sub).where('status', '=', 'active').execute(),
    db.selectFrom('users').select(['id', 'role', 'handling_unit_id']).where('subdistrict_id', '=', sub).where('status', '=', 'active').execute(),
    db.selectFrom('user_scopes').select(['user_id', 'committee_id']).where('subdistrict_id', '=', sub).execute(),
  ]);
  // Who the live app lets handle a unit's cases (assignees.ts): its own handlers; for a committee's
  // unit, the cadres of that committee; for the enforcement team, the subdistrict's officers.
  const cadresOf = new Map<string, string[]>();
  const roleOf = new Map(users.map((u) => [u.id, u]));
  for (const s of scopes) {
    const u = roleOf.get(s.user_id);
    if (u?.role === 'cadre' && !u.handling_unit_id && s.committee_id) cadresOf.set(s.committee_id, [...(cadresOf.get(s.committee_id) ?? []), u.id]);
  }
  const handlers = new Map<string, string[]>();
  for (const unit of units) {
    const who =
      unit.kind === 'committee' ? (unit.committee_id ? (cadresOf.get(unit.committee_id) ?? []) : [])
      : unit.kind === 'enforcement_team' ? users.filter((u) => u.role === 'enforcement' && (!u.handling_unit_id || u.handling_unit_id === unit.id)).map((u) => u.id)
      : users.filter((u) => u.role === 'handler' && u.handling_unit_id === unit.id).map((u) => u.id);
    if (who.length) handlers.set(unit.id, who.sort());
  }
  const staffed = units.filter((u) => handlers.has(u.id));
  return {
    committees, sites: sites.map((s) => ({ ...s, lng: Number(s.lng), lat: Number(s.lat) })),
    categories: categories.map((c) => ({ id: c.id, code: c.code, nameZh: c.name_zh, siteKinds: JSON.parse(c.site_kinds || '[]') as string[] })),
    units: staffed.map((u) => u.id), handlers,
    unitInfo: new Map(staffed.map((u) => [u.id, { kind: u.kind, committeeId: u.committee_id }])),
    roles: new Map(users.map((u) => [u.id, u.role])),
    patrols: users.filter((u) => u.role === 'patrol' || u.role === 'cadre').map((u) => u.id),
    checkers: new Set(users.filter((u) => u.role === 'patrol' && !u.handling_unit_id).map((u) => u.id)),
    operators: users.filter((u) => u.role === 'operator' || u.role === 'admin').map((u) => u.id),
  };
}

/**
 * The unit the desk dispatches a problem to: clearing and cleaning to the sanitation company or a
 * property company, containers to a property company, sorting, signage and attendance at a bin room
 * to the site's committee or a property company, a shop's problem to its committee (now and then
 * the enforcement team), a unit's to its committee. Any staffed unit when none of those is.
 */
function dispatchUnit(r: Random, ctx: Ctx, site: Ctx['sites'][number], code: string): string {
  const info = ctx.unitInfo;
  if (!info) return r.pick(ctx.units);
  const of = (kind: string, committee?: string) => ctx.units.filter((u) => info.get(u)!.kind === kind && (committee === undefined || info.get(u)!.committeeId === committee));
  const committee = of('committee', site.committee_id);
  const choices =
    /^A0[126]/.test(code) ? [of('sanitation_company'), of('property_company')]
    : /^A04/.test(code) ? [of('property_company')]
    : /^A/.test(code) ? [committee, of('property_company')]
    : /^B/.test(code) ? [committee, committee, of('enforcement_team')]
    : [committee];
  const pool = choices.filter((c) => c.length);
  return pool.length ? r.pick(r.pick(pool)) : r.pick(ctx.units);
}

type Ev = Omit<CaseEventTable, 'seq' | 'prev_hash' | 'hash'>;

/**
 * Handling units work 08:00–19:00 (Shanghai): work that would fall in the night waits for the
 * morning (spread over its first hours), as long as that is still before `limit`. So the desk opened
 * at any hour shows cases still being worked on, as a real one does.
 */
function onShift(r: Random, at: number, limit: number): number {
  const hour = Math.floor(at / HOUR + 8) % 24;
  if (hour >= 8 && hour < 19) return Math.min(at, limit);
  const morning = at + ((((8 - hour) % 24) + 24) % 24) * HOUR - (at % HOUR) + r.int(0, 150) * MIN;
  return Math.min(morning, limit);
}

/**
 * Where problems are found, in the newspaper's proportions (DOMAIN.md §1): the auxiliary patrols'
 * rounds of the residential bin rooms fix about 4.5 problems on the spot for every one they report
 * (1,517 : 337); the sweeps of community units and street shops fix nearly all on the spot (60 and
 * 520 cases). Cameras, citizens and check-ins report a few more. Categories fit the site's type.
 */
const KIND_WEIGHTS: [string, number][] = [['bin_room', 0.7], ['shop', 0.25], ['institution', 0.05]];
const REPORT_SOURCES = ['patrol', 'patrol', 'patrol', 'patrol', 'patrol', 'patrol', 'citizen', 'camera'] as const;
const PATROL_SHARE = REPORT_SOURCES.filter((x) => x === 'patrol').length / REPORT_SOURCES.length;
/** Self-resolved share per site kind; for bin rooms such that self-resolved : reported by patrols = 1517 : 337. */
const RATIO = 1517 / 337;
const SELF_SHARE: Record<string, number> = { bin_room: (RATIO * PATROL_SHARE) / (1 + RATIO * PATROL_SHARE), shop: 0.9, institution: 0.9 };
const DETAIL: [RegExp, string[]][] = [
  [/^A01/, ['桶满未及时清运，周边有散落垃圾', '满溢，桶盖无法合上']],
  [/^A02/, ['投放点地面有小包垃圾', '箱房门口堆放垃圾袋']],
  [/^A03/, ['桶内混有塑料袋和餐盒', '分类不到位，混投明显']],
  [/^A04/, ['容器缺失，居民无处投放', '桶身破损漏液']],
  [/^A05/, ['分类标识脱落', '公示牌内容缺失']],
  [/^A06/, ['周边地面油污、异味明显', '箱房内卫生较差']],
  [/^A07/, ['投放时段无志愿者值守', '到点未开门']],
  [/^B0[13]/, ['店内未见分类容器', '门前垃圾混装']],
  [/^B02/, ['未能出示收运合同', '垃圾交无资质人员收运']],
  [/^B04/, ['店内无分类标识', '标识不规范']],
  [/^C/, ['单位内分类容器不全', '未落实分类管理责任人']],
];
const FIXED = ['已现场分拣归位', '已督促当场整改', '已当场清理完毕', '已普法宣传并整改到位'];
const REPORTED = ['现场无法整改，需派单处置', '已拍照上报', '需责任单位处理'];

const indexes = new WeakMap<Ctx, { sites: Map<string, Ctx['sites']>; categories: Map<string, Ctx['categories']>; patrolsOnly: string[] }>();
/** Sites by kind, the categories that fit each kind, the patrol officers: computed once per context. */
function indexOf(ctx: Ctx) {
  let ix = indexes.get(ctx);
  if (!ix) {
    const kinds = [...new Set(ctx.sites.map((s) => s.kind ?? ''))];
    ix = {
      sites: new Map(kinds.map((k) => [k, ctx.sites.filter((s) => (s.kind ?? '') === k)])),
      categories: new Map(kinds.map((k) => [k, ctx.categories.filter((c) => !c.siteKinds?.length || !k || c.siteKinds.includes(k))])),
      patrolsOnly: ctx.patrols.filter((p) => (ctx.roles?.get(p) ?? 'patrol') === 'patrol'),
    };
    indexes.set(ctx, ix);
  }
  return ix;
}

function findProblem(r: Random, ctx: Ctx) {
  let kind = 'bin_room';
  let x = r.next();
  for (const [k, w] of KIND_WEIGHTS) {
    if ((x -= w) < 0) {
      kind = k;
      break;
    }
  }
  const ix = indexOf(ctx);
  const ofKind = ix.sites.get(kind) ?? [];
  const site = r.pick(ofKind.length ? ofKind : ctx.sites);
  const fits = ix.categories.get(site.kind ?? '') ?? [];
  const cat = r.pick(fits.length ? fits : ctx.categories);
  const patrolsOnly = ix.patrolsOnly;
  const self = r.chance(SELF_SHARE[site.kind ?? 'bin_room'] ?? 0.8);
  // Bin-room rounds are the auxiliary patrols'; sweeps of shops and units are shared with the cadres.
  const reporter = r.pick(kind === 'bin_room' && patrolsOnly.length ? patrolsOnly : ctx.patrols);
  const source = self ? ('self_resolved' as const) : r.pick(REPORT_SOURCES);
  // A citizen's call or a camera alert is entered by the operations centre, not by a patrol.
  const finder = source === 'citizen' || source === 'camera' ? r.pick(ctx.operators) : reporter;
  const detail = DETAIL.find(([re]) => re.test(cat.code))?.[1] ?? [cat.nameZh ?? '发现问题'];
  const description = `${site.name ? `${site.name}：` : ''}${cat.nameZh ?? ''}，${r.pick(detail)}；${self ? r.pick(FIXED) : r.pick(REPORTED)}`;
  return { site, cat, self, source, reporter: finder, reporterRole: ctx.roles?.get(finder) ?? 'patrol', description };
}

/** One case's lifecycle, cut at `now`; returns its final row and its events. */
function lifecycle(r: Random, ctx: Ctx, sub: string, number: string, t0: number, now: number) {
  const found = findProblem(r, ctx);
  const { site, cat, self, source, reporter, description } = found;
  const id = idAt(t0, r);
  const operator = r.pick(ctx.operators);
  const iso = (t: number) => new Date(t).toISOString();
  const events: Ev[] = [];
  const row: CaseTable = {
    id, subdistrict_id: sub, committee_id: site.committee_id, grid_id: site.grid_id, site_id: site.id, category_id: cat.id, number,
    source, status: 'reported',
    pending_request: null, requested_due_at: null, description, lng: site.lng, lat: site.lat, reporter_id: reporter,
    reporter_role: found.reporterRole, assigned_unit_id: null, assigned_user_id: null, merged_into_id: null, status_reason: null,
    rework_count: 0, redispatch_count: 0, reopen_count: 0, extension_count: 0, overdue_count: 0, version: 1,
    reported_at: iso(t0), filed_at: null, dispatched_at: null, handled_at: null, closed_at: null, cancelled_at: null,
    stage_started_at: iso(t0), stage_due_at: iso(t0 + 2 * HOUR), remind_at: null, reminded_key: null, overdue_at: null, escalated_key: null,
    handle_due_at: null, handled_on_time: null, closed_on_time: null, updated_at: iso(t0),
    checker_user_id: null, held_remaining_ms: null, rework_pending: 0, spot_check: null, spot_checked_at: null, spot_checked_by: null, responsible_unit_id: null,
  };
  // Independent check (DOMAIN.md §4): the reporter checks when a patrol officer; a cadre reporter
  // may belong to the committee unit that handles, so a patrol officer checks instead.
  const patrolCheckers = [...ctx.checkers];
  const checker = ctx.checkers.has(reporter) || !patrolCheckers.length ? reporter : patrolCheckers[t0 % patrolCheckers.length]!;
  let status: CaseStatus = 'reported';
  const push = (t: number, action: string, to: CaseStatus, actor: string | null, changes: Record<string, [unknown, unknown]> = {}) => {
    if (t > now) return false;
    events.push({
      id: idAt(t, r), subdistrict_id: sub, case_id: id, action, from_status: action === 'report' || action === 'self_resolve' ? null : status,
      to_status: to, actor_user_id: actor, actor_role: actor ? (ctx.roles?.get(actor) ?? 'patrol') : 'system', at: iso(t), device_at: null, lng: null, lat: null,
      accuracy_m: null, note: null, photo_ids: '[]', changes: canonicalJson(to !== status || action === 'report' ? { status: [action === 'report' || action === 'self_resolve' ? null : status, to], ...changes } : changes),
    });
    if (action !== 'overdue') row.version++;
    status = to;
    row.status = to;
    row.updated_at = iso(t);
    return true;
  };
  if (self) {
    // A share is sampled for the operations centre's spot check (抽查), as report-case does live.
    const sampled = inSpotCheckSample(id, DEFAULT_SPOT_CHECK_PERCENT);
    push(t0, 'self_resolve', 'closed', reporter, sampled ? { spot_check: [null, 'pending'] } : {});
    if (sampled) row.spot_check = 'pending';
    Object.assign(row, { status: 'closed', handled_at: iso(t0), closed_at: iso(t0), handled_on_time: 1, closed_on_time: 1, stage_started_at: null, stage_due_at: null, assigned_user_id: reporter, version: 1 });
    return { row, events };
  }
  push(t0, 'report', 'reported', reporter);
  row.version = 1;
  let t = t0 + r.int(5, 40) * MIN;
  if (r.chance(0.01)) {
    if (push(t, 'cancel', 'cancelled', operator)) Object.assign(row, { cancelled_at: iso(t), stage_due_at: null });
    return { row, events };
  }
  if (!push(t, 'file', 'filed', operator)) return { row, events };
  row.filed_at = iso(t);
  row.stage_due_at = iso(t + 2 * HOUR);
  t += r.int(5, 60) * MIN;
  const unit = dispatchUnit(r, ctx, site, found.cat.code);
  let handleDue = t + 24 * HOUR;
  if (!push(t, 'dispatch', 'dispatched', operator, { assigned_unit_id: [null, unit], stage_due_at: [row.stage_due_at, iso(handleDue)] })) return { row, events };
  Object.assign(row, { assigned_unit_id: unit, responsible_unit_id: unit, dispatched_at: iso(t), stage_started_at: iso(t), stage_due_at: iso(handleDue), handle_due_at: iso(handleDue) });
  const handler = r.pick(ctx.handlers.get(unit)!);
  if (r.chance(0.005)) {
    t += 2 * HOUR;
    if (!push(t, 'request_extension', 'dispatched', handler, { pending_request: [null, 'extension'] })) return { row, events };
    t += HOUR;
    handleDue += 48 * HOUR;
    if (!push(t, 'approve_extension', 'dispatched', operator, { pending_request: ['extension', null], stage_due_at: [row.stage_due_at, iso(handleDue)] })) return { row, events };
    Object.assign(row, { stage_due_at: iso(handleDue), handle_due_at: iso(handleDue), extension_count: 1 });
  }
  if (r.chance(0.003)) {
    t += HOUR;
    if (!push(t, 'request_hold', 'dispatched', handler, { pending_request: [null, 'hold'] })) return { row, events };
    t += HOUR;
    // The hold pauses the handling clock: what was left is kept for the release.
    const held = Math.max(0, handleDue - t);
    if (!push(t, 'approve_hold', 'on_hold', operator, { pending_request: ['hold', null], stage_due_at: [row.stage_due_at, null], held_remaining_ms: [null, held] })) return { row, events };
    Object.assign(row, { stage_due_at: null, stage_started_at: null, remind_at: null, pending_request: null, held_remaining_ms: held });
    return { row, events };
  }
  const late = r.chance(0.025);
  let handleAt = late ? handleDue + r.int(1, 30) * HOUR : onShift(r, t + Math.exp(r.next() * 4.4) * 0.3 * HOUR, handleDue - MIN);
  if (late) {
    if (!push(handleDue, 'overdue', 'dispatched', null, { overdue_at: [null, iso(handleDue)], overdue_count: [0, 1] })) return { row, events };
    Object.assign(row, { overdue_at: iso(handleDue), overdue_count: 1 });
  }
  const handle = (at: number) => {
    const checkDue = at + 8 * HOUR;
    // A failed check becomes rework when the same unit handles again (counted on the case then).
    const rework: Record<string, [unknown, unknown]> = row.rework_pending ? { rework_count: [row.rework_count, row.rework_count + 1] } : {};
    if (!push(at, 'handle', 'handled', handler, { stage_due_at: [row.stage_due_at, iso(checkDue)], checker_user_id: [null, checker], ...rework })) return false;
    if (row.rework_pending) Object.assign(row, { rework_count: row.rework_count + 1, rework_pending: 0 });
    Object.assign(row, { handled_at: iso(at), handled_on_time: at <= handleDue ? 1 : 0, stage_started_at: iso(at), stage_due_at: iso(checkDue), overdue_at: null, checker_user_id: checker });
    return true;
  };
  if (!handle(handleAt)) return { row, events };
  if (r.chance(0.006)) {
    t = handleAt + r.int(30, 240) * MIN;
    handleDue = t + 24 * HOUR;
    if (!push(t, 'check_fail', 'dispatched', checker, { stage_due_at: [row.stage_due_at, iso(handleDue)], checker_user_id: [checker, null] })) return { row, events };
    Object.assign(row, { rework_pending: 1, checker_user_id: null, handled_on_time: null, stage_due_at: iso(handleDue), handle_due_at: iso(handleDue) });
    handleAt = onShift(r, t + r.int(1, 8) * HOUR, handleDue - MIN);
    if (!handle(handleAt)) return { row, events };
  }
  t = handleAt + r.int(20, 300) * MIN;
  if (!push(t, 'check_pass', 'closed', checker, { stage_due_at: [row.stage_due_at, null], checker_user_id: [checker, null] })) return { row, events };
  const onTime = row.handled_on_time === 1 && row.overdue_count === 0 && t <= Date.parse(row.stage_due_at!) ? 1 : 0;
  Object.assign(row, { closed_at: iso(t), closed_on_time: onTime, stage_due_at: null, stage_started_at: null, checker_user_id: null });
  return { row, events };
}

/** Rows of one grain table from an accumulator, every counter present. */
export function grainRows(acc: RollupAccumulator, skip: GrainTable[] = []) {
  const out = new Map<GrainTable, Record<string, string | number>[]>();
  for (const r of acc.rows.values()) {
    if (skip.includes(r.table)) continue;
    const row: Record<string, string | number> = {};
    (GRAINS[r.table] as readonly string[]).forEach((k, i) => {
      row[k] = r.keys[i]!;
    });
    for (const c of COUNTERS) row[c] = r.c[c] ?? 0;
    if (!out.has(r.table)) out.set(r.table, []);
    out.get(r.table)!.push(row);
  }
  return out;
}

/** Adds one accumulator's rows of a grain into another (the citywide district grain). */
export function mergeGrain(into: RollupAccumulator, from: RollupAccumulator, table: GrainTable) {
  for (const [k, r] of from.rows) {
    if (r.table !== table) continue;
    const mine = into.rows.get(k);
    if (!mine) into.rows.set(k, { table: r.table, keys: r.keys, c: { ...r.c } });
    else for (const [c, v] of Object.entries(r.c) as [keyof typeof r.c, number][]) mine.c[c] = (mine.c[c] ?? 0) + v;
  }
}

export interface CaseYearResult {
  cases: number;
  events: number;
  rollupRows: number;
}

/** The cases of `o.days` days up to `o.now` and their events (unchained), from the random stream `r`. */
export function generateCases(r: Random, ctx: Ctx, sub: string, prefix: string, o: Pick<CaseYearOptions, 'days' | 'casesPerDay' | 'now'>) {
  const now = o.now.getTime();
  const today = shanghaiDate(o.now);
  const cases: CaseTable[] = [];
  const events: Ev[] = [];
  let last: { at: number; from: Random; number: string; t0: number } | undefined;
  for (let d = o.days; d >= 0; d--) {
    const date = addDays(today, -d);
    const start = shanghaiInstant(date, '07:00').getTime();
    const n = Math.max(0, Math.round(o.casesPerDay * (0.7 + r.next() * 0.6)));
    const times = Array.from({ length: n }, () => start + Math.floor(r.next() * 13 * HOUR)).filter((t) => t <= now).sort((a, b) => a - b);
    times.forEach((t0, i) => {
      const number = `${prefix}-${shanghaiDay(new Date(t0))}-${String(i + 1).padStart(4, '0')}`;
      const from = r.fork();
      const lc = lifecycle(r, ctx, sub, number, t0, now);
      cases.push(lc.row);
      for (const e of lc.events) events.push(e);
      if (lc.row.source !== 'self_resolved' && lc.row.status !== 'cancelled') last = { at: cases.length - 1, from, number, t0 };
    });
  }
  // A desk opened at any hour shows work in progress. On the rare day when everything reported is
  // already closed (a quiet morning after a day of mostly on-the-spot fixes), the latest reported
  // case is replayed from the same random draws and stopped halfway to its close: it stalled there.
  if (last && !cases.some((c) => c.status !== 'closed' && c.status !== 'cancelled')) {
    const c = cases[last.at]!;
    const cut = last.t0 + Math.floor((Date.parse(c.closed_at!) - last.t0) / 2);
    const lc = lifecycle(last.from, ctx, sub, last.number, last.t0, cut);
    cases[last.at] = lc.row;
    const kept = events.filter((e) => e.case_id !== c.id);
    events.length = 0;
    for (const e of kept) events.push(e);
    for (const e of lc.events) events.push(e);
  }
  return { cases, events };
}

/**
 * Generates one subdistrict's case year and writes it through the sink (call inside
 * sink.transaction): cases, the hash-chained events, the fold state, every rollup grain and the
 * cumulative unit rows (all folded by the live job's foldEvent), the chain head and the rollup
 * cursor at the head. The district grain is shared by subdistricts: it is added to `district`
 * and written once by the caller.
 */
export async function seedCaseYear(db: Db, sink: BulkSink, sub: string, o: CaseYearOptions, district: RollupAccumulator): Promise<CaseYearResult> {
  const ctx = await loadCtx(db, sub);
  if (!ctx.sites.length || !ctx.categories.length || !ctx.units.length || !ctx.patrols.length || !ctx.operators.length) {
    throw new Error(`subdistrict ${sub} lacks sites, categories, units or staff`);
  }
  const r = seededRandom(o.seed);
  const info = await db.selectFrom('subdistricts').select(['code', 'case_prefix', 'district_id']).where('id', '=', sub).executeTakeFirstOrThrow();
  // One series per subdistrict (DOMAIN.md §4): the history takes the live numbers, and the day
  // counters are left where it ends, so a report made today continues the day's series.
  const prefix = info.case_prefix ?? `S${info.code}`;
  const { cases, events } = generateCases(r, ctx, sub, prefix, o);
  events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const evidence = await dressHistory(events, cases, new Map(ctx.sites.map((s) => [s.id, s])), { seed: o.seed, sub, files: o.files });
  const head = await db.selectFrom('chain_heads').select(['seq', 'hash']).where('subdistrict_id', '=', sub).executeTakeFirst();
  if (head && Number(head.seq) > 0) throw new Error('the subdistrict already has case history; seed a fresh database');
  let prev = GENESIS_HASH;
  const attrsOf = new Map<string, CaseAttrs>();
  const codeOf = new Map(ctx.categories.map((c) => [c.id, c.code]));
  for (const c of cases) {
    attrsOf.set(c.id, { case_id: c.id, subdistrict_id: sub, committee_id: c.committee_id, grid_id: c.grid_id, category_id: c.category_id, category_code: codeOf.get(c.category_id)!, source: c.source, reported_at: c.reported_at });
  }
  const states = new Map<string, FoldState>();
  const acc = new RollupAccumulator(info.district_id);
  const chained = events.map((e, i) => {
    const row = { ...e, seq: i + 1, prev_hash: prev };
    const hash = eventHash(row);
    prev = hash;
    const a = attrsOf.get(e.case_id)!;
    const res = foldEvent({ ...row }, a, states.get(e.case_id) ?? initialState());
    states.set(e.case_id, res.state);
    acc.addEvent(a, res.unitId, e.actor_user_id, e.at, res.delta);
    for (const x of res.dated) acc.addEvent(a, x.unitId ?? res.unitId, null, x.at, x.delta);
    return { ...row, hash };
  });
  for (const t of DISTRICT_GRAINS) mergeGrain(district, acc, t);
  const grains = grainRows(acc, DISTRICT_GRAINS);
  const cum = cumRows(sub, unitDeltas(acc));
  await sink.insert('cases', cases as unknown as Record<string, unknown>[]);
  await sink.insert('photos', evidence.photos as unknown as Record<string, unknown>[]);
  await sink.insert('case_events', chained as unknown as Record<string, unknown>[]);
  await sink.insert('case_photos', evidence.links as unknown as Record<string, unknown>[]);
  await sink.insert('evidence_photo_uses', evidence.uses as unknown as Record<string, unknown>[]);
  await sink.insert('case_rollup_state', [...states].map(([case_id, s]) => ({ case_id, subdistrict_id: sub, ...s })));
  let rollupRows = cum.length;
  for (const [table, rows] of grains) {
    await sink.insert(table, rows);
    rollupRows += rows.length;
  }
  await sink.insert('case_rollups_unit_cum', cum);
  const at = o.now.toISOString();
  const seq = chained.length;
  const lastOfDay = new Map<string, number>();
  for (const c of cases) {
    const [, day, n] = /-(\d{8})-(\d+)$/.exec(c.number)!;
    lastOfDay.set(day!, Math.max(lastOfDay.get(day!) ?? 0, Number(n)));
  }
  const counters = await db.selectFrom('case_number_counters').select('day').where('subdistrict_id', '=', sub).execute();
  if (counters.length) throw new Error('the subdistrict already has case numbers; seed a fresh database');
  await sink.insert('case_number_counters', [...lastOfDay].map(([day, last]) => ({ subdistrict_id: sub, day, last })));
  await sink.insert('chain_heads', [{ subdistrict_id: sub, seq, hash: prev, updated_at: at }]);
  await sink.insert('rollup_cursors', [{ subdistrict_id: sub, seq, updated_at: at }]);
  return { cases: cases.length, events: chained.length, rollupRows };
}
