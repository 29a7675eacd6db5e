import type { Db } from '../../db/index.js';
import { prepared } from '../../db/prepared.js';
import type { ServicePointTable } from '../../db/schema.js';
import { type PointAccess, pointAccess } from '../service-records/point-access.js';
import { addDays, shanghaiDate, shanghaiMidnight } from '../calendar/office-hours.js';
import { type OverrideMap, isPublicHoliday, isWorkingDay, loadOverrides } from '../calendar/working-days.js';
import type { Clock } from '../shared/clock.js';
import { invalidField } from '../shared/errors.js';

/** How far ahead a citizen may book (days, today included). */
export const BOOKING_HORIZON_DAYS = 14;

export interface Session {
  weekday: number;
  starts: string;
  ends: string;
  capacity: number;
}

export interface Slot {
  day: string;
  starts: string;
  ends: string;
  /** The instant the session starts (UTC ISO). */
  startAt: string;
  capacity: number;
  booked: number;
  left: number;
}

/** ISO weekday of a calendar date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The UTC instant of a Shanghai wall-clock time on a date. */
export function slotInstant(day: string, hhmm: string): Date {
  return new Date(shanghaiMidnight(day) + minutes(hhmm) * 60_000);
}

/**
 * The booking rule: which of a point's weekly sessions a date offers.
 *  - a working day of the calendar (the subdistrict's overrides included) offers the sessions of
 *    its weekday; a weekend make-up working day (调休) with no sessions of its own works like a
 *    Monday and offers Monday's;
 *  - an ordinary Saturday or Sunday offers its own sessions, if the point opens then (a centre's
 *    Saturday morning);
 *  - a public holiday offers nothing, whatever the weekly pattern says.
 */
export function sessionsOn(date: string, sessions: readonly Session[], overrides: OverrideMap): Session[] {
  const w = isoWeekday(date);
  const own = sessions.filter((s) => s.weekday === w);
  if (isWorkingDay(date, overrides)) {
    if (w >= 6 && own.length === 0) return sessions.filter((s) => s.weekday === 1);
    return own;
  }
  if (w >= 6 && !isPublicHoliday(date, overrides)) return own;
  return [];
}

const sessionsOfPoint = prepared((db: Db, pointId: string) =>
  db.selectFrom('service_point_sessions').select(['weekday', 'starts', 'ends', 'capacity']).where('point_id', '=', pointId).orderBy('weekday').orderBy('starts'),
);

export async function pointSessions(db: Db, pointId: string): Promise<Session[]> {
  return sessionsOfPoint.all(db, pointId);
}

/** The rule of {@link loadBookablePoint} on a point already read (undefined: no such point). */
export function assertBookable<P extends Pick<PointAccess, 'status' | 'staffed' | 'offered'>>(point: P | undefined): P {
  if (!point) throw invalidField('pointId', 'unknown point');
  if (point.status !== 'built') throw invalidField('pointId', `the point is ${point.status}`);
  if (point.staffed !== 1) throw invalidField('pointId', 'a self-service point takes no appointments');
  if (!point.offered) throw invalidField('itemId', 'this point does not offer the item');
  return point;
}

/** A point that takes bookings and tickets for an item: built, staffed and offering it (one statement). */
export async function loadBookablePoint(db: Db, pointId: string, itemId: string): Promise<PointAccess> {
  return assertBookable(await pointAccess(db, pointId, itemId, null));
}

const bookedOf = prepared((db: Db, pointId: string, from: string, to: string) =>
  db.selectFrom('service_slot_bookings').select(['day', 'starts', 'booked']).where('point_id', '=', pointId).where('day', '>=', from).where('day', '<=', to),
);

/**
 * The slots of a point from `from` for `days` days: every session the booking rule offers, with
 * its capacity and what is booked. `after` drops slots that start at or before that instant.
 */
export async function slotsOf(db: Db, point: Pick<ServicePointTable, 'id' | 'subdistrict_id'>, from: string, days: number, after: Date | null): Promise<Slot[]> {
  const to = addDays(from, days - 1);
  const [sessions, overrides, booked] = await Promise.all([
    pointSessions(db, point.id),
    loadOverrides(db, from, to, point.subdistrict_id),
    bookedOf.all(db, point.id, from, to),
  ]);
  const count = new Map(booked.map((b) => [`${b.day} ${b.starts}`, Number(b.booked)]));
  const out: Slot[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) {
    for (const s of sessionsOn(d, sessions, overrides)) {
      const startAt = slotInstant(d, s.starts);
      if (after && startAt <= after) continue;
      const n = count.get(`${d} ${s.starts}`) ?? 0;
      out.push({ day: d, starts: s.starts, ends: s.ends, startAt: startAt.toISOString(), capacity: s.capacity, booked: n, left: Math.max(0, s.capacity - n) });
    }
  }
  return out;
}

/** The bookable slots of an item at a point for the coming days (public: no personal data). */
export async function listSlots(db: Db, clock: Clock, q: { pointId: string; itemId: string; days?: number }) {
  const point = await loadBookablePoint(db, q.pointId, q.itemId);
  const days = Math.min(Math.max(q.days ?? 7, 1), BOOKING_HORIZON_DAYS);
  const now = clock.now();
  const slots = await slotsOf(db, point, shanghaiDate(now), days, now);
  return { pointId: point.id, itemId: q.itemId, days, slots: slots.filter((s) => s.capacity > 0) };
}
