import { type Expression, type SqlBool, sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { SiteKind } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { scopeCondition } from '../auth/scope.js';
import { datesBetween, shanghaiInstant } from '../checkins/local-time.js';
import type { Clock } from '../shared/clock.js';
import { invalidField } from '../shared/errors.js';
import { zhCollator } from './collate.js';
import { binRoomStateIn, emptyCounts, inspectedSiteStateIn, periodEndMs, periodSessions, type Session, type SitePeriod, sitePeriod, type Sweep, tally } from './due.js';
import { intervalTables } from './intervals.js';

export const MAX_BOARD_DAYS = 31;

export interface BoardFilter {
  subdistrictId?: string;
  committeeId?: string;
  kind?: SiteKind;
  /** Shanghai dates, inclusive */
  from: string;
  to: string;
}

export interface BoardRow {
  subdistrictId: string;
  committeeId: string;
  committeeName: string;
  kind: SiteKind;
  sites: number;
  due: number;
  covered: number;
  missed: number;
  pending: number;
}

/**
 * Coverage per committee and kind of site for a period (巡查点位全覆盖): what is due and what
 * covers it, by the one definition per kind in due.ts. Every row adds up: covered + missed +
 * pending = due ≤ sites, so its rate never passes 100 %.
 */
export async function coverageBoard(db: Db, clock: Clock, actor: Actor, f: BoardFilter) {
  assertCan(actor, 'coverage.read');
  if (f.to < f.from) throw invalidField('to', 'must not be before from');
  if (datesBetween(f.from, f.to).length > MAX_BOARD_DAYS) throw invalidField('to', `at most ${MAX_BOARD_DAYS} days`);
  const committees = await db
    .selectFrom('committees')
    .select(['id', 'subdistrict_id', 'name'])
    .where(scopeCondition(actor, 'subdistrict_id', 'id'))
    .$if(!!f.subdistrictId, (q) => q.where('subdistrict_id', '=', f.subdistrictId!))
    .$if(!!f.committeeId, (q) => q.where('id', '=', f.committeeId!))
    .execute();
  const committeeById = new Map(committees.map((c) => [c.id, c]));
  const rows = new Map<string, BoardRow>();
  const row = (committeeId: string, kind: SiteKind): BoardRow | null => {
    const key = `${committeeId}|${kind}`;
    const c = committeeById.get(committeeId);
    if (!c) return null;
    if (!rows.has(key)) rows.set(key, { subdistrictId: c.subdistrict_id, committeeId, committeeName: c.name, kind, ...emptyCounts() });
    return rows.get(key)!;
  };
  // Kysely's builder types differ per query; the scope filter is the same three conditions.
  const scoped = <Q>(q: Q, sub: string, com: string): Q => {
    let out = (q as any).where(scopeCondition(actor, sub, com));
    if (f.subdistrictId) out = out.where(sub, '=', f.subdistrictId);
    if (f.committeeId) out = out.where(com, '=', f.committeeId);
    return out;
  };
  const period = { from: f.from, to: f.to };
  const nowMs = clock.now().getTime();

  if (!f.kind || f.kind === 'bin_room') {
    // A room counts for the sessions it was there for: registered before the session (binRoomStateIn)
    // and not retired before it. Retiring a room today leaves every past period's figures as they were.
    const startIso = shanghaiInstant(f.from).toISOString();
    const rooms = await scoped(
      db.selectFrom('sites').select(['id', 'committee_id', 'disposal_hours', 'created_at', 'status', 'retired_at'])
        .where('kind', '=', 'bin_room')
        .where((eb) => eb.or([eb('status', '=', 'active'), eb.and([eb('retired_at', 'is not', null), eb('retired_at', '>', startIso)])])),
      'subdistrict_id', 'committee_id',
    ).execute();
    const checked = new Map<string, Set<string>>();
    // Check-ins, misses and inspections are selected by the committee their site is in now (as the
    // sites are), not the one they were recorded in: a site moved between committees keeps its
    // record, and a committee's row is judged on the same facts as the subdistrict's.
    const checkins = await scoped(
      db.selectFrom('checkins as k').innerJoin('sites as s', 's.id', 'k.site_id').select(['k.site_id', 'k.window_key']).distinct()
        .where('k.status', '=', 'on_site').where('k.in_window', '=', 1)
        .where('k.local_date', '>=', f.from).where('k.local_date', '<=', f.to),
      's.subdistrict_id', 's.committee_id',
    ).execute();
    for (const c of checkins) {
      if (!checked.has(c.site_id)) checked.set(c.site_id, new Set());
      checked.get(c.site_id)!.add(c.window_key);
    }
    const missed = new Map<string, Set<string>>();
    const misses = await scoped(
      db.selectFrom('checkin_misses as m').innerJoin('sites as s', 's.id', 'm.site_id').select(['m.site_id', 'm.window_key'])
        .where('m.subject', '=', 'site').where('m.local_date', '>=', f.from).where('m.local_date', '<=', f.to),
      's.subdistrict_id', 's.committee_id',
    ).execute();
    for (const m of misses) {
      if (!missed.has(m.site_id)) missed.set(m.site_id, new Set());
      missed.get(m.site_id)!.add(m.window_key);
    }
    const none = new Set<string>();
    // Most bin rooms share a few timetables: their sessions are computed once per timetable.
    const sessions = new Map<string, Session[]>();
    const endMs = periodEndMs(period);
    for (const r of rooms) {
      const br = row(r.committee_id, 'bin_room');
      if (!br) continue;
      const key = r.disposal_hours ?? '';
      if (!sessions.has(key)) sessions.set(key, periodSessions(r.disposal_hours, period));
      const room = { checkedWindows: checked.get(r.id) ?? none, missedWindows: missed.get(r.id) ?? none };
      let own = sessions.get(key)!;
      // Retired during or after the period: the sessions from its retirement on are not its own.
      if (r.status !== 'active' && r.retired_at) {
        const retiredMs = new Date(r.retired_at).getTime();
        own = own.filter((w) => w.startMs < retiredMs);
      }
      tally(br, binRoomStateIn(own, Date.parse(r.created_at), room, endMs, nowMs));
    }
  }

  const kinds = (f.kind ? [f.kind] : ['shop', 'institution']).filter((k) => k !== 'bin_room') as SiteKind[];
  if (kinds.length) {
    const subs = [...new Set(committees.map((c) => c.subdistrict_id))];
    const sweepsBySub = new Map<string, Sweep[]>();
    let since = f.from;
    const sweptParts: Expression<SqlBool>[] = [];
    for (let i = 0; i < subs.length; i += 500) {
      const campaigns = await db.selectFrom('campaigns').select(['subdistrict_id', 'site_kinds', 'committee_ids', 'start_date', 'end_date'])
        .where('subdistrict_id', 'in', subs.slice(i, i + 500)).where('start_date', '<=', f.to).where('end_date', '>=', f.from).execute();
      for (const c of campaigns) {
        const sweep: Sweep = {
          kinds: JSON.parse(c.site_kinds) as SiteKind[], committeeIds: c.committee_ids ? (JSON.parse(c.committee_ids) as string[]) : null,
          startDate: c.start_date, endDate: c.end_date,
        };
        if (!sweepsBySub.has(c.subdistrict_id)) sweepsBySub.set(c.subdistrict_id, []);
        sweepsBySub.get(c.subdistrict_id)!.push(sweep);
        if (c.start_date < since) since = c.start_date;
        sweptParts.push(sql<SqlBool>`(s.subdistrict_id = ${c.subdistrict_id} and s.kind in (${sql.join(sweep.kinds)})${sweep.committeeIds ? sql` and s.committee_id in (${sql.join(sweep.committeeIds)})` : sql``})`);
      }
    }
    const startIso = shanghaiInstant(f.from).toISOString();
    const endIso = new Date(periodEndMs(period)).toISOString();
    const nowIso = new Date(nowMs).toISOString();
    // Most sites are "quiet": not inspected since the period began and in no running sweep. For
    // them the schedule (site_compliance.next_due_at: one interval of the grade after the last
    // inspection, or the registration) is the due time of due.ts, so SQL counts them by row; the
    // others are judged one by one below with inspectedSiteStateIn.
    const swept = sweptParts.length ? sql<SqlBool>`(${sql.join(sweptParts, sql` or `)})` : sql<SqlBool>`1 = 0`;
    const quiet = sql<SqlBool>`((sc.last_inspected_at is null or sc.last_inspected_at < ${startIso}) and not ${swept})`;
    const dueAt = sql`coalesce(sc.next_due_at, s.created_at)`;
    const agg = await scoped(
      db.selectFrom('sites as s').leftJoin('site_compliance as sc', 'sc.site_id', 's.id')
        .select([
          's.kind', 's.committee_id',
          sql<number>`sum(case when s.created_at < ${endIso} or sc.last_inspected_at is not null then 1 else 0 end)`.as('sites'),
          sql<number>`sum(case when ${dueAt} < ${endIso} then 1 else 0 end)`.as('due'),
          sql<number>`sum(case when ${dueAt} < ${endIso} and ${dueAt} <= ${nowIso} then 1 else 0 end)`.as('missed'),
        ])
        .where('s.kind', 'in', kinds).where('s.status', '=', 'active').where(quiet),
      's.subdistrict_id', 's.committee_id',
    ).groupBy(['s.kind', 's.committee_id']).execute();
    for (const a of agg) {
      const r = row(a.committee_id, a.kind);
      if (!r) continue;
      r.sites += Number(a.sites);
      r.due += Number(a.due);
      r.missed += Number(a.missed);
      r.pending += Number(a.due) - Number(a.missed);
    }
    // The others one by one: active sites that are not quiet, and sites retired after the period
    // began (they count for the part of it before their retirement, as retired bin rooms do).
    const sites = await scoped(
      db.selectFrom('sites as s').leftJoin('site_compliance as sc', 'sc.site_id', 's.id')
        .select(['s.id', 's.kind', 's.subdistrict_id', 's.committee_id', 's.created_at', 's.status', 's.retired_at', 'sc.grade', 'sc.last_inspected_at'])
        .where('s.kind', 'in', kinds)
        .where((eb) => eb.or([
          eb.and([eb('s.status', '=', 'active'), sql<SqlBool>`not ${quiet}`]),
          eb.and([eb('s.status', '!=', 'active'), eb('s.retired_at', 'is not', null), eb('s.retired_at', '>', startIso)]),
        ])),
      's.subdistrict_id', 's.committee_id',
    ).execute();
    // The last inspection before the period: the schedule's, unless the site was inspected since
    // the period began; then from the inspection history (few sites, by index).
    const startMs = shanghaiInstant(f.from).getTime();
    const lastBefore = new Map<string, number | null>();
    const later: string[] = [];
    for (const x of sites) {
      const at = x.last_inspected_at ? new Date(x.last_inspected_at).getTime() : null;
      if (at !== null && at >= startMs) later.push(x.id);
      else lastBefore.set(x.id, at);
    }
    for (let i = 0; i < later.length; i += 500) {
      const chunk = later.slice(i, i + 500);
      const rows = await db.selectFrom('inspections').select(['site_id', (eb) => eb.fn.max('recorded_at').as('at')])
        .where('site_id', 'in', chunk).where('recorded_at', '<', startIso).groupBy('site_id').execute();
      for (const id of chunk) lastBefore.set(id, null);
      for (const r of rows) lastBefore.set(r.site_id, r.at ? new Date(r.at as string).getTime() : null);
    }
    const recent = await scoped(
      db.selectFrom('inspections as i').innerJoin('sites as s', 's.id', 'i.site_id').select(['i.site_id', 'i.local_date']).distinct()
        .where('i.site_kind', 'in', kinds).where('i.local_date', '>=', since).where('i.local_date', '<=', f.to),
      's.subdistrict_id', 's.committee_id',
    ).execute();
    const dates = new Map<string, string[]>();
    for (const r of recent) {
      if (!dates.has(r.site_id)) dates.set(r.site_id, []);
      dates.get(r.site_id)!.push(r.local_date);
    }
    const periods = new Map<string, SitePeriod>();
    const intervals = await intervalTables(db, subs);
    for (const sub of subs) periods.set(sub, sitePeriod(period, sweepsBySub.get(sub) ?? [], intervals.get(sub)!, nowMs));
    const noDates: string[] = [];
    for (const x of sites) {
      const r = row(x.committee_id, x.kind);
      if (!r) continue;
      const site = {
        kind: x.kind, committeeId: x.committee_id, grade: x.grade ?? null, createdMs: new Date(x.created_at).getTime(),
        lastBeforeMs: lastBefore.get(x.id) ?? null, inspectedDates: dates.get(x.id) ?? noDates,
        retiredMs: x.status !== 'active' && x.retired_at ? new Date(x.retired_at).getTime() : null,
      };
      tally(r, inspectedSiteStateIn(site, periods.get(x.subdistrict_id)!));
    }
  }

  const items = [...rows.values()].sort((a, b) => zhCollator.compare(a.committeeName, b.committeeName) || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
  const totals: Record<string, Omit<BoardRow, 'subdistrictId' | 'committeeId' | 'committeeName' | 'kind'>> = {};
  for (const r of items) {
    const t = (totals[r.kind] ??= { sites: 0, due: 0, covered: 0, missed: 0, pending: 0 });
    t.sites += r.sites; t.due += r.due; t.covered += r.covered; t.missed += r.missed; t.pending += r.pending;
  }
  return { from: f.from, to: f.to, items, totals };
}
