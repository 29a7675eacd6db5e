import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { scopeCondition } from '../auth/scope.js';
import { addDays, shanghaiDate } from '../calendar/office-hours.js';
import type { Clock } from '../shared/clock.js';
import { invalidField } from '../shared/errors.js';
import { keysetPage, pageLimit } from '../shared/keyset-page.js';

/** The longest range one query of the figures covers. */
export const FIGURES_MAX_DAYS = 93;
/** Points per page of the report: the default, and the most one request may ask for. */
export const FIGURES_PAGE_DEFAULT = 200;
export const FIGURES_PAGE_MAX = 1000;

/** The median of values already sorted ascending (the mean of the two middle ones for an even count). */
const medianOfSorted = (s: readonly number[]) => {
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
/** The nearest-rank p-th percentile of values already sorted ascending. */
const percentileOfSorted = (s: readonly number[], p: number) => s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)]!;
const ascending = (a: number, b: number) => a - b;

/** Median: the middle value of the sorted values, the mean of the two middle ones for an even count. */
export function median(xs: readonly number[]): number | null {
  return xs.length ? medianOfSorted([...xs].sort(ascending)) : null;
}

/** Nearest-rank percentile: the smallest value with at least p % of the values at or below it. */
export function percentile(xs: readonly number[], p: number): number | null {
  return xs.length ? percentileOfSorted([...xs].sort(ascending), p) : null;
}

const seconds = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 1000;

/** Median and p90 of values sorted in place (one sort for both; the same answers as median() and percentile()). */
function middleAndP90(xs: number[] | null): [number | null, number | null] {
  if (!xs?.length) return [null, null];
  xs.sort(ascending);
  return [medianOfSorted(xs), percentileOfSorted(xs, 90)];
}

interface Acc {
  pointId: string;
  itemId: string | null;
  day: string;
  tickets: number;
  walkIns: number;
  called: number;
  served: number;
  skipped: number;
  /** Wait and service times in seconds (null until there is one: most rows of a city have none of one or the other). */
  waits: number[] | null;
  services: number[] | null;
  /** Position in the answer's order (sortRows). */
  rank: number;
  appointments: number;
  checkedIn: number;
  noShows: number;
  cancelled: number;
  /** Sessions completed on a self-service terminal (their lengths are among `services`). */
  selfService: number;
}

const blank = (pointId: string, itemId: string | null, day: string): Acc => ({
  pointId, itemId, day, tickets: 0, walkIns: 0, called: 0, served: 0, skipped: 0, waits: null, services: null, appointments: 0, checkedIn: 0, noShows: 0, cancelled: 0, selfService: 0, rank: 0,
});

const out = (a: Acc) => {
  const [waitMedianS, waitP90S] = middleAndP90(a.waits);
  const [serviceMedianS, serviceP90S] = middleAndP90(a.services);
  return {
    pointId: a.pointId, itemId: a.itemId, day: a.day, tickets: a.tickets, walkIns: a.walkIns, called: a.called, served: a.served, skipped: a.skipped,
    waitMedianS, waitP90S, serviceMedianS, serviceP90S,
    appointments: a.appointments, checkedIn: a.checkedIn, noShows: a.noShows, cancelled: a.cancelled, selfService: a.selfService,
  };
};

/**
 * Accumulators by day → point → item (nested maps: no key strings built per row), each row
 * counted twice, for its item and for the point over all items (item null).
 */
class Figures {
  private days = new Map<string, Map<string, Map<string | null, Acc>>>();
  /** The accumulators in the order they were first touched. */
  readonly all: Acc[] = [];
  private get(pointId: string, itemId: string | null, day: string): Acc {
    let points = this.days.get(day);
    if (!points) this.days.set(day, (points = new Map()));
    let items = points.get(pointId);
    if (!items) points.set(pointId, (items = new Map()));
    let a = items.get(itemId);
    if (!a) {
      items.set(itemId, (a = blank(pointId, itemId, day)));
      this.all.push(a);
    }
    return a;
  }
  /** The accumulator for the item and the one for the point over all items. */
  pair(pointId: string, itemId: string, day: string): [Acc, Acc] {
    return [this.get(pointId, itemId, day), this.get(pointId, null, day)];
  }
}

/**
 * Sorts rows by day, point, item as String#localeCompare orders them (itemId null as ''), with
 * one collator and each distinct value ranked once: comparing rows is then comparing numbers
 * (localeCompare builds a collator per call, over a million calls for a city's week). Ties keep their order.
 */
function sortRows(rows: Acc[]): Acc[] {
  const collator = new Intl.Collator();
  const rank = (values: Iterable<string>) => {
    const sorted = [...new Set(values)].sort(collator.compare);
    const r = new Map<string, number>();
    let n = 0;
    sorted.forEach((v, i) => {
      if (i && collator.compare(sorted[i - 1]!, v) !== 0) n++;
      r.set(v, n);
    });
    return r;
  };
  const days = rank(rows.map((a) => a.day));
  const points = rank(rows.map((a) => a.pointId));
  const items = rank(rows.map((a) => a.itemId ?? ''));
  // One number per row: (day, point, item) ranks in mixed radix, far below 2^53 for any range asked.
  for (const a of rows) a.rank = (days.get(a.day)! * points.size + points.get(a.pointId)!) * items.size + items.get(a.itemId ?? '')!;
  return rows.sort((x, y) => x.rank - y.rank);
}

export interface FiguresQuery {
  from?: string;
  to?: string;
  pointId?: string;
  itemId?: string;
  subdistrictId?: string;
}

export interface FiguresPage {
  /** Points per page (1 … FIGURES_PAGE_MAX). */
  limit?: number;
  /** The nextCursor of the previous page: this page starts after that point. */
  after?: string;
}

/**
 * Waiting and service times per point, item and day (the day a ticket was issued, Shanghai time),
 * and per point and day over all items:
 *  - wait = called − issued, over the tickets that were called (served or skipped afterwards);
 *  - service = finished − started, over the tickets served to the end;
 *  - a ticket switched to another item at the window counts as a ticket (and its wait, its skip)
 *    of the item it was taken for, and as a service of the item it was served for;
 *  - a session completed on a self-service terminal is a service too: its length (finished −
 *    started, as the terminal reported it) joins the service times, counted as self-service;
 *  - median and p90 (nearest rank) in seconds; counts of tickets, walk-ins, calls, services,
 *    skips; appointments booked for the day (cancelled ones counted apart), checked in, no-shows.
 * Scope as everywhere: a committee's staff see their windows, a subdistrict its network.
 *
 * Paged by point: a page holds the figures of up to `limit` points (default FIGURES_PAGE_DEFAULT)
 * in the order of their ids, and `nextCursor` names the last of them when more points follow (a
 * city's week is some 75,000 rows; one subdistrict's network fits in a page).
 */
export async function waitingFigures(db: Db, clock: Clock, actor: Actor, q: FiguresQuery & FiguresPage = {}) {
  assertCan(actor, 'services.read');
  const limit = pageLimit(q.limit, FIGURES_PAGE_DEFAULT, FIGURES_PAGE_MAX);
  const range = figuresRange(clock, q);
  let pq = db
    .selectFrom('service_points')
    .select('id')
    .where(scopeCondition(actor, 'service_points.subdistrict_id', 'service_points.committee_id'))
    .orderBy('id')
    .limit(limit + 1);
  if (q.pointId) pq = pq.where('id', '=', q.pointId);
  if (q.subdistrictId) pq = pq.where('subdistrict_id', '=', q.subdistrictId);
  if (q.after) pq = pq.where('id', '>', q.after);
  const { page, nextCursor } = keysetPage((await pq.execute()).map((p) => p.id), limit, (id) => id);
  if (!page.length) return { ...range, nextCursor, byItem: [], byPoint: [] };
  return { ...range, nextCursor, ...(await readFigures(db, actor, range, q, page)) };
}

/**
 * The same figures, unpaged, for a caller that has checked its own permission (the dashboard's
 * 一网通办 board, read with dashboard.read, asks for today): still only the actor's scope.
 */
export async function figuresInScope(db: Db, clock: Clock, actor: Actor, q: FiguresQuery = {}) {
  const range = figuresRange(clock, q);
  return { ...range, ...(await readFigures(db, actor, range, q, null)) };
}

/** The days asked for: default the 7 days to today, at most FIGURES_MAX_DAYS. */
function figuresRange(clock: Clock, q: FiguresQuery): { from: string; to: string } {
  const to = q.to ?? shanghaiDate(clock.now());
  const from = q.from ?? addDays(to, -6);
  if (from > to) throw invalidField('from', 'must not be after to');
  if (addDays(from, FIGURES_MAX_DAYS - 1) < to) throw invalidField('to', `at most ${FIGURES_MAX_DAYS} days`);
  return { from, to };
}

/** Reads the tickets, bookings and terminal sessions of the range in scope (of `points` only, if named) and figures them. */
async function readFigures(db: Db, actor: Actor, { from, to }: { from: string; to: string }, q: FiguresQuery, points: string[] | null) {
  let tq = db
    .selectFrom('service_tickets')
    .select(['point_id', 'item_id', 'issued_item_id', 'day', 'source', 'status', 'issued_at', 'called_at', 'started_at', 'finished_at'])
    .where(scopeCondition(actor, 'service_tickets.subdistrict_id', 'service_tickets.committee_id'))
    .where('day', '>=', from)
    .where('day', '<=', to);
  let aq = db
    .selectFrom('service_appointments')
    .select(['point_id', 'item_id', 'day', 'status'])
    .where(scopeCondition(actor, 'service_appointments.subdistrict_id', 'service_appointments.committee_id'))
    .where('day', '>=', from)
    .where('day', '<=', to);
  let sq = db
    .selectFrom('service_terminal_sessions')
    .select(['point_id', 'item_id', 'day', 'started_at', 'finished_at'])
    .where(scopeCondition(actor, 'service_terminal_sessions.subdistrict_id', 'service_terminal_sessions.committee_id'))
    .where('outcome', '=', 'done')
    .where('day', '>=', from)
    .where('day', '<=', to);
  if (points) {
    tq = tq.where('point_id', 'in', points);
    aq = aq.where('point_id', 'in', points);
    sq = sq.where('point_id', 'in', points);
  }
  if (q.pointId) {
    tq = tq.where('point_id', '=', q.pointId);
    aq = aq.where('point_id', '=', q.pointId);
    sq = sq.where('point_id', '=', q.pointId);
  }
  if (q.itemId) {
    // A ticket switched at the window counts for the item it was taken for and the one served.
    const itemId = q.itemId;
    tq = tq.where((eb) => eb.or([eb('item_id', '=', itemId), eb('issued_item_id', '=', itemId)]));
    aq = aq.where('item_id', '=', q.itemId);
    sq = sq.where('item_id', '=', q.itemId);
  }
  if (q.subdistrictId) {
    tq = tq.where('subdistrict_id', '=', q.subdistrictId);
    aq = aq.where('subdistrict_id', '=', q.subdistrictId);
    sq = sq.where('subdistrict_id', '=', q.subdistrictId);
  }
  const [tickets, appointments, sessions] = await Promise.all([tq.execute(), aq.execute(), sq.execute()]);
  return figuresOf(tickets, sessions, appointments, q.itemId);
}

/** A ticket as figured: item_id the item served, issued_item_id the one it was taken for when the window switched it (null: the same). */
export interface TicketRow { point_id: string; item_id: string; issued_item_id?: string | null; day: string; source: string; status: string; issued_at: string; called_at: string | null; started_at: string | null; finished_at: string | null }
export interface SessionRow { point_id: string; item_id: string; day: string; started_at: string; finished_at: string }
export interface AppointmentRow { point_id: string; item_id: string; day: string; status: string }

/**
 * The figures of the rows read (see figuresInScope), ordered by day, point and item. `onlyItem`:
 * the figures of that item alone (a switched ticket counts only the part that is that item's).
 */
export function figuresOf(tickets: readonly TicketRow[], sessions: readonly SessionRow[], appointments: readonly AppointmentRow[], onlyItem?: string) {
  const figures = new Figures();
  for (const t of tickets) {
    const wait = t.called_at ? seconds(t.issued_at, t.called_at) : null;
    const service = t.status === 'done' && t.started_at && t.finished_at ? seconds(t.started_at, t.finished_at) : null;
    // A ticket the window switched to another item stood in the queue of the item it was taken
    // for (ticket, wait, skip count there) and was served for the other (service counts there);
    // the point's own row counts it once either way.
    const queued = t.issued_item_id ?? t.item_id;
    const queueCounts = onlyItem === undefined || queued === onlyItem;
    const serviceCounts = service !== null && (onlyItem === undefined || t.item_id === onlyItem);
    if (!queueCounts && !serviceCounts) continue;
    const [queueItem, pointAll] = figures.pair(t.point_id, queueCounts ? queued : t.item_id, t.day);
    if (queueCounts) for (const a of [queueItem, pointAll]) {
      a.tickets++;
      if (t.source === 'walk_in') a.walkIns++;
      if (wait !== null) {
        a.called++;
        (a.waits ??= []).push(wait);
      }
      if (t.status === 'skipped') a.skipped++;
    }
    if (serviceCounts) {
      const serviceItem = queueCounts && queued !== t.item_id ? figures.pair(t.point_id, t.item_id, t.day)[0] : queueItem;
      for (const a of [serviceItem, pointAll]) {
        a.served++;
        (a.services ??= []).push(service);
      }
    }
  }
  for (const x of sessions) {
    const service = seconds(x.started_at, x.finished_at);
    for (const a of figures.pair(x.point_id, x.item_id, x.day)) {
      a.served++;
      a.selfService++;
      (a.services ??= []).push(service);
    }
  }
  for (const ap of appointments) {
    for (const a of figures.pair(ap.point_id, ap.item_id, ap.day)) {
      if (ap.status === 'cancelled') a.cancelled++;
      else a.appointments++;
      if (ap.status === 'checked_in') a.checkedIn++;
      if (ap.status === 'no_show') a.noShows++;
    }
  }
  const rows = sortRows(figures.all);
  return { byItem: rows.filter((a) => a.itemId !== null).map(out), byPoint: rows.filter((a) => a.itemId === null).map(out) };
}
