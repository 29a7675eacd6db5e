import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { SiteKind } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { scopeCondition } from '../auth/scope.js';
import { addDays, datesBetween, shanghaiInstant } from '../checkins/local-time.js';
import { parseDisposalHours, windowsOn } from '../checkins/windows.js';
import type { Clock } from '../shared/clock.js';
import { invalidField } from '../shared/errors.js';
import { zhCollator } from './collate.js';

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
 * Coverage per committee and kind of site for a period (巡查点位全覆盖).
 *
 * Bin rooms count disposal windows: due = every window of every active bin room in the period
 * (from the bin room's creation on); covered = windows with an on-site check-in inside the
 * window; missed = windows the missed-check-in job recorded; pending = the rest (not ended yet).
 *
 * Shops and units count sites: due = sites inspected in the period, plus sites not inspected
 * since it began whose next inspection (set by their grade) falls before it ends; covered =
 * inspected in the period; missed = due, not covered and already overdue now; pending = due
 * later in the period. Due dates come from the current schedule (site_compliance), so for a past
 * period a site inspected since then no longer counts as missed.
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
    if (!rows.has(key)) rows.set(key, { subdistrictId: c.subdistrict_id, committeeId, committeeName: c.name, kind, sites: 0, due: 0, covered: 0, missed: 0, pending: 0 });
    return rows.get(key)!;
  };
  // Kysely's builder types differ per query; the scope filter is the same three conditions.
  const scoped = <Q>(q: Q, sub: string, com: string): Q => {
    let out = (q as any).where(scopeCondition(actor, sub, com));
    if (f.subdistrictId) out = out.where(sub, '=', f.subdistrictId);
    if (f.committeeId) out = out.where(com, '=', f.committeeId);
    return out;
  };

  if (!f.kind || f.kind === 'bin_room') {
    const rooms = await scoped(
      db.selectFrom('sites').select(['id', 'committee_id', 'disposal_hours', 'created_at']).where('kind', '=', 'bin_room').where('status', '=', 'active'),
      'subdistrict_id', 'committee_id',
    ).execute();
    const days = datesBetween(f.from, f.to);
    // Most bin rooms share a few timetables: window starts are computed once per timetable.
    const starts = new Map<string, number[]>();
    for (const r of rooms) {
      const br = row(r.committee_id, 'bin_room');
      if (!br) continue;
      br.sites++;
      const key = r.disposal_hours ?? '';
      let list = starts.get(key);
      if (!list) {
        const hours = parseDisposalHours(r.disposal_hours);
        list = days.flatMap((d) => windowsOn(d, hours).map((w) => w.startAt.getTime()));
        starts.set(key, list);
      }
      const created = Date.parse(r.created_at);
      for (const s of list) if (s >= created) br.due++;
    }
    const covered = await scoped(
      db
        .selectFrom('checkins')
        .select(['committee_id', sql<number>`count(distinct site_id || '|' || window_key)`.as('n')])
        .where('status', '=', 'on_site')
        .where('in_window', '=', 1)
        .where('local_date', '>=', f.from)
        .where('local_date', '<=', f.to),
      'subdistrict_id', 'committee_id',
    ).groupBy('committee_id').execute();
    for (const c of covered) { const br = row(c.committee_id, 'bin_room'); if (br) br.covered = Number(c.n); }
    const missed = await scoped(
      db
        .selectFrom('checkin_misses')
        .select(['committee_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('subject', '=', 'site')
        .where('local_date', '>=', f.from)
        .where('local_date', '<=', f.to),
      'subdistrict_id', 'committee_id',
    ).groupBy('committee_id').execute();
    for (const m of missed) { const br = row(m.committee_id, 'bin_room'); if (br) br.missed = Number(m.n); }
    for (const r of rows.values()) if (r.kind === 'bin_room') r.pending = Math.max(0, r.due - r.covered - r.missed);
  }

  const kinds = (f.kind ? [f.kind] : ['shop', 'institution']).filter((k) => k !== 'bin_room') as SiteKind[];
  if (kinds.length) {
    const periodStart = shanghaiInstant(f.from).toISOString();
    const periodEnd = shanghaiInstant(addDays(f.to, 1)).toISOString();
    const now = clock.now().toISOString();
    const cutoff = now < periodEnd ? now : periodEnd;
    const covered = await scoped(
      db
        .selectFrom('inspections')
        .select(['committee_id', 'site_kind', sql<number>`count(distinct site_id)`.as('n')])
        .where('site_kind', 'in', kinds)
        .where('local_date', '>=', f.from)
        .where('local_date', '<=', f.to),
      'subdistrict_id', 'committee_id',
    ).groupBy(['committee_id', 'site_kind']).execute();
    for (const c of covered) { const r = row(c.committee_id, c.site_kind); if (r) r.covered = Number(c.n); }
    // Not inspected since the period began and due (by the current schedule) before it ends.
    const dueAt = sql`coalesce(sc.next_due_at, s.created_at)`;
    const open = sql`(sc.last_inspected_at is null or sc.last_inspected_at < ${periodStart}) and ${dueAt} < ${periodEnd}`;
    const agg = await scoped(
      db
        .selectFrom('sites as s')
        .leftJoin('site_compliance as sc', 'sc.site_id', 's.id')
        .select([
          's.kind', 's.subdistrict_id', 's.committee_id',
          (eb) => eb.fn.countAll<number>().as('sites'),
          sql<number>`sum(case when ${open} then 1 else 0 end)`.as('open'),
          sql<number>`sum(case when ${open} and ${dueAt} < ${cutoff} then 1 else 0 end)`.as('missed'),
        ])
        .where('s.kind', 'in', kinds)
        .where('s.status', '=', 'active'),
      's.subdistrict_id', 's.committee_id',
    ).groupBy(['s.kind', 's.subdistrict_id', 's.committee_id']).execute();
    for (const a of agg) {
      const r = row(a.committee_id, a.kind);
      if (!r) continue;
      r.sites = Number(a.sites);
      r.due = r.covered + Number(a.open);
      r.missed = Number(a.missed);
      r.pending = Number(a.open) - r.missed;
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
