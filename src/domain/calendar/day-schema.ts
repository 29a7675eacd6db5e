import { z } from 'zod';
import { isRealDate } from './office-hours.js';

/**
 * The days the system reasons about. Wider than any record (the Regulations date from 2019) or
 * plan, narrow enough that day arithmetic stays in four-digit years: 9999-12-31 plus one day is
 * '+010000-01-01', which sorts before it, and a window ending there never ended.
 */
export const FIRST_CALENDAR_DAY = '2000-01-01';
export const LAST_CALENDAR_DAY = '2100-12-31';
export const CALENDAR_DAY_RANGE_REASON = `expected a day from ${FIRST_CALENDAR_DAY} to ${LAST_CALENDAR_DAY}`;

/** A real YYYY-MM-DD inside FIRST_CALENDAR_DAY … LAST_CALENDAR_DAY. */
export const inCalendarRange = (date: string): boolean => isRealDate(date) && date >= FIRST_CALENDAR_DAY && date <= LAST_CALENDAR_DAY;

/**
 * A calendar day as YYYY-MM-DD that exists: 2026-02-30 or 2026-13-01 is a 400 naming its field,
 * never stored and never a 500 from the date arithmetic behind it. The shape is checked first
 * (`invalid_format`), then the date (`expected a real calendar date`), then the range
 * (2000-01-01 … 2100-12-31).
 */
export const CalendarDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'expected YYYY-MM-DD', abort: true })
  .refine(isRealDate, { message: 'expected a real calendar date YYYY-MM-DD', abort: true })
  .refine((d) => d >= FIRST_CALENDAR_DAY && d <= LAST_CALENDAR_DAY, { message: CALENDAR_DAY_RANGE_REASON });
