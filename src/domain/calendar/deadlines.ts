import type { Db } from '../../db/index.js';
import { invalidField } from '../shared/errors.js';
import { addDays, OFFICE_PERIODS_MS, shanghaiDate, shanghaiMidnight } from './office-hours.js';
import { isWorkingDay, loadOverrides, type OverrideMap } from './working-days.js';

export type LimitMode = 'working' | 'calendar';

/** Longest limit accepted: a year of calendar hours, or a year's worth of working hours. */
export const MAX_LIMIT_HOURS = 8784;

/** Overrides are read in windows of this many days ahead of the cursor. */
export const WINDOW_DAYS = 62;

/** Effective overrides for the dates [from, to] (of the same subdistrict), already read by the caller. */
export interface PreloadedOverrides {
  from: string;
  to: string;
  overrides: OverrideMap;
}

export interface DueOptions {
  /** Subdistrict whose calendar overrides apply besides the global ones (omit = global only). */
  subdistrictId?: string | null;
  /** Overrides the caller read with its own query (a case transition reads them with the case); used when they cover the dates needed. */
  preloaded?: PreloadedOverrides | null;
}

/** The dates [from, to] overrides are first read for when a working-hour limit starts at `at` (what PreloadedOverrides should cover). */
export function firstOverrideWindow(at: Date): { from: string; to: string } {
  const from = shanghaiDate(at.getTime());
  return { from, to: addDays(from, WINDOW_DAYS) };
}

const overridesFor = (db: Db, from: string, to: string, opts: DueOptions) =>
  opts.preloaded && opts.preloaded.from <= from && opts.preloaded.to >= to
    ? Promise.resolve(opts.preloaded.overrides)
    : loadOverrides(db, from, to, opts.subdistrictId ?? null);

/**
 * The instant a time limit of `hours` started at `from` runs out.
 * - 'calendar': from + hours, around the clock (an overflowing bin is urgent at night too).
 * - 'working': counts only office hours (see office-hours.ts) on Chinese working days
 *   (working-days.ts), so a limit started before a holiday resumes after it. Time before the
 *   next office period does not count; a limit ending exactly at 12:00 is due at 12:00.
 */
export async function computeDueAt(db: Db, from: Date, hours: number, mode: LimitMode, opts: DueOptions = {}): Promise<Date> {
  if (!(from instanceof Date) || Number.isNaN(from.getTime())) throw invalidField('from', 'not a valid time');
  if (!Number.isFinite(hours) || hours < 0 || hours > MAX_LIMIT_HOURS) {
    throw invalidField('hours', `must be between 0 and ${MAX_LIMIT_HOURS}`);
  }
  const start = from.getTime();
  let remaining = Math.round(hours * 3600_000);
  if (mode === 'calendar') return new Date(start + remaining);
  if (mode !== 'working') throw invalidField('mode', "must be 'working' or 'calendar'");
  if (remaining === 0) return new Date(start);

  const subdistrictId = opts.subdistrictId ?? null;
  let date = shanghaiDate(start);
  let windowEnd = addDays(date, WINDOW_DAYS);
  let overrides = await overridesFor(db, date, windowEnd, opts);
  // Bounded: MAX_LIMIT_HOURS of working time fits well within ten years of calendar days.
  for (let i = 0; i < 3660; i++) {
    if (date > windowEnd) {
      windowEnd = addDays(date, WINDOW_DAYS);
      overrides = await loadOverrides(db, date, windowEnd, subdistrictId);
    }
    if (isWorkingDay(date, overrides)) {
      const midnight = shanghaiMidnight(date);
      for (const [a, b] of OFFICE_PERIODS_MS) {
        const segStart = Math.max(midnight + a, start);
        const segEnd = midnight + b;
        if (segStart >= segEnd) continue;
        const available = segEnd - segStart;
        if (remaining <= available) return new Date(segStart + remaining);
        remaining -= available;
      }
    }
    date = addDays(date, 1);
  }
  throw invalidField('hours', 'no working time found within ten years');
}

/**
 * The part of a limit still to run between `from` and `due` (ms): working time (office hours on
 * working days) or plain time, as the limit counts. computeDueAt(from, result) gives `due` back,
 * so a clock paused at `from` resumes with exactly what was left. Zero when `due` has passed.
 */
export async function remainingLimitMs(db: Db, from: Date, due: Date, mode: LimitMode, opts: DueOptions = {}): Promise<number> {
  const start = from.getTime();
  const end = due.getTime();
  if (!(end > start)) return 0;
  if (mode === 'calendar') return end - start;
  let total = 0;
  let date = shanghaiDate(start);
  const lastDate = shanghaiDate(end);
  const overrides = await overridesFor(db, date, lastDate, opts);
  for (let i = 0; date <= lastDate && i < 3660; i++) {
    if (isWorkingDay(date, overrides)) {
      const midnight = shanghaiMidnight(date);
      for (const [a, b] of OFFICE_PERIODS_MS) {
        const segStart = Math.max(midnight + a, start);
        const segEnd = Math.min(midnight + b, end);
        if (segEnd > segStart) total += segEnd - segStart;
      }
    }
    date = addDays(date, 1);
  }
  return total;
}
