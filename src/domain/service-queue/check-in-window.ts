import type { ExpressionBuilder, ExpressionWrapper, SqlBool } from 'kysely';
import type { Database } from '../../db/schema.js';
import { SHANGHAI_OFFSET_MS, shanghaiDate } from '../calendar/office-hours.js';
import { DEFAULT_SERVICE_SETTINGS } from '../service-ratings/settings.js';
import { slotInstant } from './slots.js';

const MIN = 60_000;

/** The subdistrict's no-show grace in minutes (null or undefined: no settings row, the default). */
export const graceMinutesOf = (v: number | string | null | undefined) => (v == null ? DEFAULT_SERVICE_SETTINGS.noShowGraceMinutes : Number(v));

/**
 * The one rule of when a booked citizen may still come. A booking is for a whole session
 * (09:00–11:30, 12 places): its holder may check in on the booking's day (from its start, the early
 * rule) until the session's end plus the subdistrict's no-show grace, and never after the day ends
 * (a session late in the evening with a long grace closes at midnight). It is a no-show only once
 * that last instant has passed: the window's check-in (checkIn), a record naming the booking
 * (record-booking.ts) and the no-show round (no-shows.ts, through {@link noShowDueSql}) all apply it.
 * The returned instant is the last one at which check-in is still accepted.
 */
export function checkInClosesAt(b: { day: string; ends: string }, graceMinutes: number | string | null | undefined): number {
  const endOfDay = slotInstant(b.day, '00:00').getTime() + 24 * 3600_000 - 1;
  return Math.min(slotInstant(b.day, b.ends).getTime() + graceMinutesOf(graceMinutes) * MIN, endOfDay);
}

/** Whether check-in is still open for the booking at `now` (the day's rule apart: callers refuse another day first). */
export const checkInOpen = (now: Date | number, b: { day: string; ends: string }, graceMinutes: number | string | null | undefined) =>
  +now <= checkInClosesAt(b, graceMinutes);

/**
 * Whether a booking is a no-show at `now` (strictly after {@link checkInClosesAt}), in SQL, on the
 * booking's own day and session end (text 'YYYY-MM-DD' and 'HH:MM', Shanghai wall clock; the same
 * on both engines, no date arithmetic in the database).
 * end + grace < now ⇔ end ≤ (now − grace − 1 ms) floored to the minute, the end being on a minute.
 * A booking of an earlier day is due whatever its session (the day has ended). The condition
 * slot_start_at < now is implied (a due session started before it ended) and lets the due index
 * (status, slot_start_at) narrow the scan.
 */
export function noShowDueSql(
  eb: ExpressionBuilder<Database, 'service_appointments'>,
  now: Date | number,
  graceMinutes: number | string | null | undefined,
): ExpressionWrapper<Database, 'service_appointments', SqlBool> {
  const today = shanghaiDate(now);
  const last = new Date(+now - graceMinutesOf(graceMinutes) * MIN - 1 + SHANGHAI_OFFSET_MS).toISOString();
  const day = last.slice(0, 10);
  const hhmm = last.slice(11, 16);
  const started = eb('slot_start_at', '<', new Date(+now).toISOString());
  if (day !== today) return eb.and([started, eb('day', '<', today)]);
  return eb.and([started, eb.or([eb('day', '<', today), eb.and([eb('day', '=', today), eb('ends', '<=', hhmm)])])]);
}
