import type { Db } from '../../db/index.js';
import { addDays, shanghaiDate, shanghaiMidnight } from '../calendar/office-hours.js';
import { isWorkingDay, loadOverrides } from '../calendar/working-days.js';

/**
 * Legal periods (期间) of the penalty procedure, counted in days from service:
 * - the day of service does not count; the period runs to 24:00 of its last day;
 * - 'working': 行政处罚法 (2021) art. 85 — its "two, three, five, seven days" are working days
 *   (statement and defence, hearing request);
 * - 'calendar': other periods (the fifteen days to pay, art. 67); when the last day is not a
 *   working day the period ends on the next working day (the rule of the procedure laws).
 * Working days come from the project's calendar (State Council schedule plus overrides).
 */
export type PeriodUnit = 'working' | 'calendar';

/** The last day (YYYY-MM-DD) of a period of `days` starting the day after `startDate`. */
export function lastDayOf(startDate: string, days: number, unit: PeriodUnit, isWorking: (date: string) => boolean): string {
  if (!Number.isInteger(days) || days < 1) throw new Error(`period of ${days} days`);
  let date = startDate;
  if (unit === 'working') {
    for (let n = 0; n < days; ) {
      date = addDays(date, 1);
      if (isWorking(date)) n++;
    }
    return date;
  }
  date = addDays(startDate, days);
  return isWorking(date) ? date : nextWorkingDay(date, isWorking);
}

/** The first working day after `date` (YYYY-MM-DD): where a period that would end on a rest day ends. */
export function nextWorkingDay(date: string, isWorking: (date: string) => boolean): string {
  let d = addDays(date, 1);
  for (let guard = 0; !isWorking(d); guard++) {
    if (guard > 60) throw new Error(`no working day within 60 days after ${date}`);
    d = addDays(d, 1);
  }
  return d;
}

/** The last instant of a day in Asia/Shanghai (24:00 minus one millisecond). */
export const endOfShanghaiDay = (date: string) => new Date(shanghaiMidnight(addDays(date, 1)) - 1);

/** The instant a period served at `servedAt` ends, under the subdistrict's calendar. */
export async function periodEnd(db: Db, subdistrictId: string, servedAt: Date, days: number, unit: PeriodUnit): Promise<Date> {
  const start = shanghaiDate(servedAt);
  // A period of n days never spans more than 3n + 60 calendar days (the longest holiday is 8).
  const overrides = await loadOverrides(db, start, addDays(start, days * 3 + 60), subdistrictId);
  return endOfShanghaiDay(lastDayOf(start, days, unit, (d) => isWorkingDay(d, overrides)));
}
