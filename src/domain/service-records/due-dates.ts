import type { Db } from '../../db/index.js';
import { addDays, OFFICE_PERIODS_MS, shanghaiDate, shanghaiMidnight } from '../calendar/office-hours.js';
import { type OverrideMap, isWorkingDay, loadOverrides } from '../calendar/working-days.js';

/** End of the office day (17:30 Asia/Shanghai) as an offset from local midnight. */
const CLOSE_MS = OFFICE_PERIODS_MS[OFFICE_PERIODS_MS.length - 1]![1];

/**
 * When a promised limit of `days` working days (承诺办结时限) runs out for a record accepted at
 * `acceptedAt`: the close of office on the `days`-th working day after the day of acceptance,
 * counted on the working-day calendar (holidays, make-up workdays and the subdistrict's
 * overrides). 即办 (0 days) is due at the close of the day it was accepted, or at the end of that
 * day when it was accepted after the close.
 */
export async function dueAfterWorkingDays(db: Db, acceptedAt: Date, days: number, subdistrictId: string | null): Promise<Date> {
  const date = shanghaiDate(acceptedAt);
  if (days === 0) return dueWithOverrides(acceptedAt, 0, new Map());
  // A generous window first (365 working days fit in well under three calendar years); a long
  // closure (a run of holiday overrides) can still outlast it, and then a window twice as long is read.
  for (let span = Math.ceil(days * 2) + 40; ; span *= 2) {
    const until = addDays(date, span);
    const due = countWorkingDays(acceptedAt, days, await loadOverrides(db, date, until, subdistrictId), until);
    if (due) return due;
  }
}

/**
 * The same rule on overrides already loaded (they must cover the days counted): the activity
 * generator loads a subdistrict's calendar once for a year of records.
 */
export function dueWithOverrides(acceptedAt: Date, days: number, overrides: OverrideMap): Date {
  return countWorkingDays(acceptedAt, days, overrides, null)!;
}

/** dueWithOverrides, or null when the count runs past `until` (the last day the overrides cover). */
function countWorkingDays(acceptedAt: Date, days: number, overrides: OverrideMap, until: string | null): Date | null {
  let date = shanghaiDate(acceptedAt);
  if (days === 0) {
    // 即办 is done the same day: by the close of office, or — accepted after it, at an evening or
    // weekend session — by the end of that day (due at the moment of acceptance would make every
    // such record late by construction).
    const close = shanghaiMidnight(date) + CLOSE_MS;
    return new Date(acceptedAt.getTime() <= close ? close : shanghaiMidnight(addDays(date, 1)) - 1);
  }
  let left = days;
  for (let i = 0; i < 2000; i++) {
    date = addDays(date, 1);
    if (until !== null && date > until) return null;
    if (isWorkingDay(date, overrides)) left--;
    if (left === 0) return new Date(shanghaiMidnight(date) + CLOSE_MS);
  }
  throw new Error(`no ${days} working days found after ${acceptedAt.toISOString()}`);
}
