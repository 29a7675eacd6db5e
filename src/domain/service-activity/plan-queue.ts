import type { PointKind, ServiceAppointmentTable, ServiceSlotBookingTable, ServiceTicketCounterTable, ServiceTicketTable } from '../../db/schema.js';
import { addDays, shanghaiMidnight } from '../calendar/office-hours.js';
import { isWorkingDay } from '../calendar/working-days.js';
import { idAt } from '../dashboard/seed/synthetic-ids.js';
import { GIVEN, SURNAMES } from '../demo/hongqiao.js';
import { CODE_ALPHABET, CODE_LENGTH } from '../service-queue/appointments.js';
import { checkInClosesAt } from '../service-queue/check-in-window.js';
import { BOOKING_HORIZON_DAYS, slotInstant } from '../service-queue/slots.js';
import { compareQueue } from '../service-queue/tickets.js';
import { hashToken, newToken } from '../service-records/records.js';
import type { Random } from '../shared/random.js';
import type { NetworkContext, ServedPoint } from './network-context.js';

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;

/**
 * The front desk's proportions (YIWANGTONGBAN.md): windows open at once per kind of point; the
 * share of services booked ahead (the building windows' lunch-time clients book most); visits that
 * are only a question (咨询, a ticket and no record); bookings nobody came for or cancelled; tickets
 * called with nobody at the window; how full the coming days' sessions are already.
 */
export const QUEUE_RATES = {
  windows: { centre: 3, branch: 2, committee_window: 1, building_window: 1 } as Partial<Record<PointKind, number>>,
  booked: { centre: 0.22, branch: 0.2, committee_window: 0.12, building_window: 0.3 } as Partial<Record<PointKind, number>>,
  consult: 0.12,
  noShow: 0.1,
  cancelled: 0.12,
  skipped: 0.03,
  /** Share of a coming session's capacity booked tomorrow, falling to nothing at the horizon. */
  aheadFill: 0.55,
  /** Early check-in: a booked citizen may come this long before the session opens. */
  earlyMs: 20 * MIN,
  /** Windows keep serving the tickets issued before closing for at most this long. */
  overrunMs: 4 * HOUR,
};

export interface QueueRows {
  appointments: ServiceAppointmentTable[];
  tickets: ServiceTicketTable[];
  ticketCounters: ServiceTicketCounterTable[];
  slotBookings: ServiceSlotBookingTable[];
}

export const emptyQueueRows = (): QueueRows => ({ appointments: [], tickets: [], ticketCounters: [], slotBookings: [] });

/** A ticket that leads to a service record (办件): the record is made while it is served. */
export interface Visit {
  ticket: ServiceTicketTable;
  /** When the window records the service */
  acceptedAt: number;
  /** When an on-the-spot (即办) service is done: just before the ticket finishes */
  doneBy: number;
  staffId: string;
}

export interface QueueEnv {
  now: number;
  graceMs: number;
  /** The point's items, the high-frequency ones weighted (the record planner's choice) */
  pickItem(p: ServedPoint): string;
  /** A fresh, unique booking code */
  code(): string;
  rows: QueueRows;
}

/**
 * Booking codes unique by construction (a seeded database must not collide on the unique code):
 * a 40-bit number (subdistrict ordinal, running count) through a Feistel permutation, written in
 * the live code's alphabet, so the codes look as random as live ones.
 */
export function bookingCodes(ordinal: number) {
  let n = 0;
  return () => {
    const x = (ordinal % 0x10000) * 0x1000000 + (n++ % 0x1000000);
    let l = Math.floor(x / 0x100000) & 0xfffff;
    let r = x & 0xfffff;
    for (const k of [0x3c6ef, 0x9e377, 0x7f4a7, 0x1b873]) {
      const f = (Math.imul(r ^ k, 0x45d9f3b) >>> 9) & 0xfffff;
      [l, r] = [r, l ^ f];
    }
    let v = l * 0x100000 + r;
    let s = '';
    for (let i = 0; i < CODE_LENGTH; i++) {
      s = CODE_ALPHABET[v % 32] + s;
      v = Math.floor(v / 32);
    }
    return s;
  };
}

interface Span {
  starts: string;
  ends: string;
  capacity: number;
  start: number;
  end: number;
}

interface Arrival {
  at: number;
  itemId: string;
  prefix: string;
  consult: boolean;
  appointment: ServiceAppointmentTable | null;
  span: Span;
}

const personName = (r: Random) => r.pick(SURNAMES) + r.pick(GIVEN);
const iso = (t: number) => new Date(t).toISOString();
const phone = (r: Random) => `1${r.pick(['3', '5', '7', '8', '9'])}${r.int(100000000, 999999999)}`;

/** When a walk-in comes: office workers at the building windows early in the lunch break; elsewhere any time, a little more in the morning. */
function walkInAt(r: Random, kind: PointKind, s: Span) {
  const len = s.end - s.start;
  const x = kind === 'building_window' ? r.next() ** 1.4 * 0.45 : r.next() ** 1.15;
  return s.start + Math.floor(x * (len - 5 * MIN) / SEC) * SEC;
}

/**
 * When a citizen who booked the session comes: any time from a little before it opens (the early
 * check-in) until a few minutes before it ends, more of them early on; office workers at the
 * building windows, as the walk-ins, in the first half of their lunch break. The booking is for the
 * whole session, so a citizen coming at 10:00 for 09:00–11:30 checks in (check-in-window.ts); coming
 * before the end, the ticket is served in the session as every other.
 */
function bookerAt(r: Random, kind: PointKind, s: Span) {
  const len = QUEUE_RATES.earlyMs + (s.end - s.start) - 5 * MIN;
  const x = kind === 'building_window' ? r.next() ** 1.4 * 0.5 : r.next() ** 1.3;
  return s.start - QUEUE_RATES.earlyMs + Math.floor((x * len) / SEC) * SEC;
}

/** Seconds at the window: a terminal-capable 即办 item about three minutes, other 即办 a few more, a file to be reviewed longer, a question short. */
function serviceMs(r: Random, ctx: NetworkContext, a: Arrival) {
  if (a.consult) return r.int(90, 300) * SEC;
  const v = ctx.items.get(a.itemId)!.versions[0]!;
  if (v.promised_limit_days === 0) return (v.terminal ? r.int(120, 300) : r.int(180, 600)) * SEC;
  return r.int(300, 900) * SEC;
}

/** The building windows' clients come for the longer business (enterprise matters, 网签): a longer sitting. */
const sitting = (kind: PointKind) => (kind === 'building_window' ? 1.5 : 1);

function appointment(r: Random, ctx: NetworkContext, p: ServedPoint, date: string, s: Span, itemId: string, bookedAt: number, env: QueueEnv): ServiceAppointmentTable {
  return {
    id: idAt(bookedAt, r), code: env.code(), token_hash: hashToken(newToken()), subdistrict_id: ctx.subdistrictId, committee_id: p.committeeId, point_id: p.id,
    item_id: itemId, day: date, starts: s.starts, ends: s.ends, slot_start_at: iso(s.start), name: personName(r), phone: phone(r), status: 'booked',
    booked_at: iso(bookedAt), cancelled_at: null, checked_in_at: null, checked_in_by: null, no_show_at: null, ticket_id: null,
  };
}


/** The first moment a point takes bookings: 07:00 of the day it was built (the generator serves only built points). */
const bookableFrom = (p: ServedPoint) => (p.builtOn ? shanghaiMidnight(p.builtOn) + 7 * HOUR : Number.NEGATIVE_INFINITY);

/** Booked within the horizon (the day at most BOOKING_HORIZON_DAYS − 1 days after the booking's), once the point was built, at least half an hour ahead. */
function bookedBefore(r: Random, p: ServedPoint, date: string, s: Span) {
  const latest = s.start - 30 * MIN;
  const earliest = Math.min(latest, Math.max(shanghaiMidnight(addDays(date, -(BOOKING_HORIZON_DAYS - 1))) + 7 * HOUR, bookableFrom(p)));
  return latest - Math.floor((r.next() ** 2 * (latest - earliest)) / SEC) * SEC;
}

/** The slot counter as the live booking leaves it: every booking made so far, less the cancelled. */
function slotCounters(env: QueueEnv, p: ServedPoint, date: string, spans: Span[], bookings: ServiceAppointmentTable[]) {
  for (const s of spans) {
    const mine = bookings.filter((a) => a.starts === s.starts);
    if (!mine.length) continue;
    env.rows.slotBookings.push({ point_id: p.id, day: date, starts: s.starts, booked: mine.filter((a) => a.status !== 'cancelled').length });
  }
}

/**
 * One point's day at the front desk, simulated from opening to the last ticket and then cut at
 * `now`: walk-ins take tickets (prefix by category) during the sessions; citizens who booked check
 * in any time from a little before their session until near its end (the check-in issues their
 * ticket), others do not come (no-show once the session's end and the grace have passed and the
 * round has run) or have cancelled; the windows call by the live order rule (compareQueue) from the session's start,
 * serve, finish, and keep serving who took a ticket before closing. What lies after `now` is left
 * undone: tickets waiting, called or being served, bookings still booked. The session's capacity
 * bounds every booking made for it, cancelled ones included.
 * Returns the tickets that lead to a record; the rows go to env.rows.
 */
export function planPointDay(r: Random, ctx: NetworkContext, p: ServedPoint, date: string, sessions: readonly { starts: string; ends: string; capacity: number }[], records: number, env: QueueEnv): Visit[] {
  const now = env.now;
  // A weekend session (the centre's Saturday morning) opens fewer windows.
  const W = Math.max(1, (QUEUE_RATES.windows[p.kind] ?? 1) - (isWorkingDay(date, ctx.overrides) ? 0 : 1));
  const spans: Span[] = sessions
    .map((s) => ({ ...s, start: slotInstant(date, s.starts).getTime(), end: slotInstant(date, s.ends).getTime() }))
    .sort((a, b) => a.start - b.start);
  if (!spans.length) return [];
  const consults = Math.round((records * QUEUE_RATES.consult) / (1 - QUEUE_RATES.consult));
  const weight = spans.map((s) => s.end - s.start);
  const total = weight.reduce((a, b) => a + b, 0);
  const arrivals: Arrival[] = [];
  const perSpan = new Map<Span, Arrival[]>(spans.map((s) => [s, []]));
  for (let i = 0; i < records + consults; i++) {
    let x = r.next() * total;
    let s = spans[0]!;
    for (const [k, w] of weight.entries()) {
      s = spans[k]!;
      if (x < w) break;
      x -= w;
    }
    const itemId = env.pickItem(p);
    const a: Arrival = { at: walkInAt(r, p.kind, s), itemId, prefix: ctx.items.get(itemId)!.prefix, consult: i >= records, appointment: null, span: s };
    perSpan.get(s)!.push(a);
  }
  const bookings: ServiceAppointmentTable[] = [];
  for (const s of spans) {
    let list = perSpan.get(s)!;
    // The ticket machine stops issuing when the windows could not serve more before closing (号已发完).
    const cap = Math.floor(((s.end - s.start) * W) / (7 * MIN));
    if (list.length > cap) list = list.slice(0, cap);
    // Who booked this session: some of its services, then those who did not come or cancelled.
    let booked = 0;
    for (const a of list) {
      if (a.consult || booked >= s.capacity || !r.chance(QUEUE_RATES.booked[p.kind] ?? 0.15)) continue;
      booked++;
      a.at = bookerAt(r, p.kind, s);
      a.appointment = appointment(r, ctx, p, date, s, a.itemId, bookedBefore(r, p, date, s), env);
    }
    const extra = (share: number) => Math.round(booked * share * 2 * r.next());
    const noShows = Math.min(extra(QUEUE_RATES.noShow), s.capacity - booked);
    booked += noShows;
    const cancelled = Math.min(extra(QUEUE_RATES.cancelled), s.capacity - booked);
    for (let i = 0; i < noShows + cancelled; i++) {
      const b = appointment(r, ctx, p, date, s, env.pickItem(p), bookedBefore(r, p, date, s), env);
      if (i < noShows) {
        const at = checkInClosesAt({ day: date, ends: s.ends }, env.graceMs / MIN) + r.int(10, 120) * SEC;
        if (at <= now) Object.assign(b, { status: 'no_show', no_show_at: iso(at) });
      } else {
        const at = Date.parse(b.booked_at) + Math.floor((r.next() * (s.start - Date.parse(b.booked_at))) / SEC) * SEC;
        if (at <= now) Object.assign(b, { status: 'cancelled', cancelled_at: iso(at) });
      }
      if (Date.parse(b.booked_at) <= now) bookings.push(b);
    }
    arrivals.push(...list);
  }

  // Order of issue fixes seq and the printed numbers.
  arrivals.sort((a, b) => a.at - b.at);
  const byPrefix = new Map<string, number>();
  const tickets = arrivals.map((a, i): ServiceTicketTable => {
    const n = (byPrefix.get(a.prefix) ?? 0) + 1;
    byPrefix.set(a.prefix, n);
    const staff = r.pick(p.staff);
    return {
      id: idAt(a.at, r), subdistrict_id: ctx.subdistrictId, committee_id: p.committeeId, point_id: p.id, item_id: a.itemId, day: date, seq: i + 1,
      prefix: a.prefix, number: `${a.prefix}${String(n).padStart(3, '0')}`, source: a.appointment ? 'appointment' : 'walk_in',
      appointment_id: a.appointment?.id ?? null, slot_start_at: a.appointment ? iso(a.span.start) : null, status: 'waiting', issued_at: iso(a.at),
      issued_by: staff, called_at: null, called_by: null, window: null, started_at: null, finished_at: null, skipped_at: null, record_id: null,
    };
  });

  // The windows: each calls, when free and open, the first waiting ticket by the live order rule.
  const issued = arrivals.map((a) => a.at);
  const callable = (i: number, at: number) =>
    spans.some((s) => issued[i]! < s.end && at >= s.start && (at < s.end || (at < s.end + QUEUE_RATES.overrunMs && !spans.some((n) => n.start > s.start && n.start <= at))));
  const firstCallable = (i: number, from: number) => {
    if (callable(i, from)) return from;
    const next = spans.find((s) => s.start >= from && issued[i]! < s.end);
    return next ? next.start : Number.POSITIVE_INFINITY;
  };
  const free = Array.from({ length: W }, () => spans[0]!.start);
  const times = new Map<number, { called: number; skipped?: number; started?: number; finished?: number; window: number }>();
  const pool: number[] = [];
  let nextIssue = 0;
  while (pool.length || nextIssue < tickets.length) {
    let w = 0;
    for (let k = 1; k < W; k++) if (free[k]! < free[w]!) w = k;
    const t = free[w]!;
    while (nextIssue < tickets.length && issued[nextIssue]! <= t) pool.push(nextIssue++);
    const order = compareQueue(iso(t));
    let best = -1;
    for (const [k, i] of pool.entries()) if (callable(i, t) && (best < 0 || order(tickets[i]!, tickets[pool[best]!]!) < 0)) best = k;
    if (best < 0) {
      let next = nextIssue < tickets.length ? firstCallable(nextIssue, issued[nextIssue]!) : Number.POSITIVE_INFINITY;
      for (const i of pool) next = Math.min(next, firstCallable(i, t));
      if (next === Number.POSITIVE_INFINITY) break;
      free[w] = next;
      continue;
    }
    const i = pool.splice(best, 1)[0]!;
    const a = arrivals[i]!;
    if (!a.appointment && r.chance(QUEUE_RATES.skipped)) {
      const skipped = t + r.int(60, 150) * SEC;
      times.set(i, { called: t, skipped, window: w });
      free[w] = skipped + r.int(5, 30) * SEC;
      continue;
    }
    const started = t + r.int(15, 90) * SEC;
    const finished = started + Math.round((serviceMs(r, ctx, a) * sitting(p.kind)) / SEC) * SEC;
    times.set(i, { called: t, started, finished, window: w });
    free[w] = finished + r.int(10, 60) * SEC;
  }

  // Cut at now: what has not happened yet is left undone.
  const visits: Visit[] = [];
  const counters = new Map<string, number>();
  for (const [i, tk] of tickets.entries()) {
    const a = arrivals[i]!;
    const x = times.get(i);
    const accepted = x?.started !== undefined ? x.started + r.int(30, Math.min(180, Math.floor((x.finished! - x.started) / 2 / SEC))) * SEC : 0;
    const doneBy = x?.finished !== undefined ? x.finished - r.int(5, 40) * SEC : 0;
    if (Date.parse(tk.issued_at) > now) continue;
    if (a.appointment) Object.assign(a.appointment, { status: 'checked_in', checked_in_at: tk.issued_at, checked_in_by: tk.issued_by, ticket_id: tk.id });
    if (x && x.called <= now) {
      Object.assign(tk, { status: 'called', called_at: iso(x.called), called_by: p.staff[x.window % p.staff.length], window: `${x.window + 1}号窗口` });
      if (x.skipped !== undefined && x.skipped <= now) Object.assign(tk, { status: 'skipped', skipped_at: iso(x.skipped) });
      if (x.started !== undefined && x.started <= now) Object.assign(tk, { status: 'serving', started_at: iso(x.started) });
      if (x.finished !== undefined && x.finished <= now) Object.assign(tk, { status: 'done', finished_at: iso(x.finished) });
      if (!a.consult && tk.started_at && accepted <= now) visits.push({ ticket: tk, acceptedAt: accepted, doneBy, staffId: tk.called_by! });
    }
    env.rows.tickets.push(tk);
    counters.set('', tk.seq);
    counters.set(tk.prefix, Number(tk.number.slice(tk.prefix.length)));
  }
  for (const [prefix, last] of counters) env.rows.ticketCounters.push({ point_id: p.id, day: date, prefix, last });
  // Booked and not come yet (their check-in would be after now) stay booked.
  for (const a of arrivals) if (a.appointment && Date.parse(a.appointment.booked_at) <= now) bookings.push(a.appointment);
  bookings.sort((a, b) => a.booked_at.localeCompare(b.booked_at));
  env.rows.appointments.push(...bookings);
  slotCounters(env, p, date, spans, bookings);
  return visits;
}

/**
 * The coming days' bookings (today's later sessions come with today's queue): each working day's
 * sessions within the booking horizon filled in part, less the further ahead; a few cancelled.
 */
export function planBookingsAhead(r: Random, ctx: NetworkContext, p: ServedPoint, today: string, sessionsOn: (date: string) => readonly { starts: string; ends: string; capacity: number }[], env: QueueEnv) {
  for (let k = 1; k < BOOKING_HORIZON_DAYS; k++) {
    const date = addDays(today, k);
    if (!isWorkingDay(date, ctx.overrides)) continue;
    const earliest = Math.max(shanghaiMidnight(addDays(date, -(BOOKING_HORIZON_DAYS - 1))) + 7 * HOUR, bookableFrom(p));
    const spans: Span[] = sessionsOn(date).map((s) => ({ ...s, start: slotInstant(date, s.starts).getTime(), end: slotInstant(date, s.ends).getTime() }));
    const bookings: ServiceAppointmentTable[] = [];
    for (const s of spans) {
      const fill = QUEUE_RATES.aheadFill * (QUEUE_RATES.booked[p.kind] ?? 0.15) * 3 * (1 - k / BOOKING_HORIZON_DAYS) * (0.5 + r.next());
      const n = Math.min(s.capacity, Math.round(s.capacity * fill));
      for (let i = 0; i < n; i++) {
        if (earliest >= env.now) break;
        const bookedAt = earliest + Math.floor((r.next() * (env.now - earliest)) / SEC) * SEC;
        const b = appointment(r, ctx, p, date, s, env.pickItem(p), bookedAt, env);
        if (r.chance(QUEUE_RATES.cancelled / 2)) Object.assign(b, { status: 'cancelled', cancelled_at: iso(bookedAt + Math.floor((r.next() * (env.now - bookedAt)) / SEC) * SEC) });
        bookings.push(b);
      }
    }
    bookings.sort((a, b) => a.booked_at.localeCompare(b.booked_at));
    env.rows.appointments.push(...bookings);
    slotCounters(env, p, date, spans, bookings);
  }
}
