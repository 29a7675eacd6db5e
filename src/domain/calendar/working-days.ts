import chineseDays from 'chinese-days';
import type { Db } from '../../db/index.js';
import { prepared } from '../../db/prepared.js';
import type { CalendarOverrideKind } from '../../db/schema.js';

/**
 * Chinese working days: weekdays that are not public holidays, plus make-up workdays (调休)
 * on weekends, from the `chinese-days` package (State Council notices). Rows of
 * `calendar_overrides` win over the package: a row for the subdistrict wins over a global row.
 */
const packageCache = new Map<string, boolean>();

export function packageIsWorkday(date: string): boolean {
  // The package data is static: remember answers (a few thousand dates at most per process).
  let v = packageCache.get(date);
  if (v === undefined) {
    v = chineseDays.isWorkday(date);
    if (packageCache.size > 20_000) packageCache.clear();
    packageCache.set(date, v);
  }
  return v;
}

/**
 * Whether the package carries the State Council arrangement for a year. Its data ends with the
 * last published notice; for later years it falls back to plain Monday–Friday, which an
 * administrator must correct with overrides once the notice is out.
 */
export function packageCoversYear(year: number): boolean {
  // Every arrangement since 1999 gives National Day (Oct 1) off; a plain weekday Oct 1 = no data.
  return chineseDays.isHoliday(`${year}-10-01`) && chineseDays.getDayDetail(`${year}-10-01`).name.includes('国庆');
}

/** Saturday or Sunday (a YYYY-MM-DD calendar date). */
export const isWeekend = (date: string) => {
  const w = new Date(`${date}T00:00:00Z`).getUTCDay();
  return w === 0 || w === 6;
};

export type OverrideMap = Map<string, CalendarOverrideKind>;

const overridesIn = (db: Db, fromDate: string, toDate: string) =>
  db.selectFrom('calendar_overrides').select(['date', 'kind', 'subdistrict_id']).where('date', '>=', fromDate).where('date', '<=', toDate);
const globalOverrides = prepared((db: Db, fromDate: string, toDate: string) => overridesIn(db, fromDate, toDate).where('subdistrict_id', 'is', null));
const overridesFor = prepared((db: Db, fromDate: string, toDate: string, subdistrictId: string) =>
  overridesIn(db, fromDate, toDate).where((eb) => eb.or([eb('subdistrict_id', 'is', null), eb('subdistrict_id', '=', subdistrictId)])),
);

/** Effective overrides (subdistrict over global) for dates in [fromDate, toDate]. */
export async function loadOverrides(
  db: Db,
  fromDate: string,
  toDate: string,
  subdistrictId: string | null,
): Promise<OverrideMap> {
  const rows = subdistrictId ? await overridesFor.all(db, fromDate, toDate, subdistrictId) : await globalOverrides.all(db, fromDate, toDate);
  return overrideMap(rows);
}

/** Effective overrides from rows of one subdistrict and the global ones (subdistrict over global). */
export function overrideMap(rows: readonly { date: string; kind: CalendarOverrideKind; subdistrict_id: string | null }[]): OverrideMap {
  const map: OverrideMap = new Map();
  for (const r of rows.filter((r) => r.subdistrict_id === null)) map.set(r.date, r.kind);
  for (const r of rows.filter((r) => r.subdistrict_id !== null)) map.set(r.date, r.kind);
  return map;
}

export function isWorkingDay(date: string, overrides: OverrideMap): boolean {
  const o = overrides.get(date);
  if (o) return o === 'workday';
  return packageIsWorkday(date);
}

/**
 * A public holiday (the subdistrict's or the State Council's), as opposed to an ordinary
 * weekend day: an override marking the date a holiday, or a day off the package names by its
 * festival rather than as a Saturday or Sunday.
 */
export function isPublicHoliday(date: string, overrides: OverrideMap): boolean {
  const o = overrides.get(date);
  if (o) return o === 'holiday';
  if (packageIsWorkday(date)) return false;
  return !/^(Saturday|Sunday)$/.test(chineseDays.getDayDetail(date).name);
}
