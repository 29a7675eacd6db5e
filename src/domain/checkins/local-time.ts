/**
 * Asia/Shanghai wall-clock helpers. China has kept UTC+8 without daylight saving since 1991,
 * so a fixed offset is exact and avoids Intl in hot paths.
 */
const OFFSET_MS = 8 * 3600_000;
const DAY_MS = 24 * 3600_000;

/** 'YYYY-MM-DD' and 'HH:MM' of an instant, in Shanghai. */
export function shanghaiParts(at: Date): { date: string; hhmm: string } {
  const s = new Date(at.getTime() + OFFSET_MS).toISOString();
  return { date: s.slice(0, 10), hhmm: s.slice(11, 16) };
}

export const shanghaiDate = (at: Date): string => shanghaiParts(at).date;

/** The UTC instant of a Shanghai wall-clock date and time. */
export function shanghaiInstant(date: string, hhmm = '00:00'): Date {
  return new Date(new Date(`${date}T${hhmm}:00Z`).getTime() - OFFSET_MS);
}

export function addDays(date: string, days: number): string {
  return new Date(new Date(`${date}T00:00:00Z`).getTime() + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * At most this many days from one call of datesBetween: a century and a third, more than any
 * window a caller validates (calendar days are kept to 2000–2100), far less than would exhaust memory.
 */
export const MAX_DATES_BETWEEN = 50_000;

const dayMs = (date: string): number => {
  const t = /^\d{4}-\d{2}-\d{2}$/.test(date) ? Date.parse(`${date}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(t)) throw new RangeError(`datesBetween: not a YYYY-MM-DD day: ${JSON.stringify(date)}`);
  return t;
};

/**
 * Every date from `from` to `to` inclusive (none when `to` is before `from`). Counted on epoch
 * days, not by comparing strings: past year 9999 a day is written '+010000-01-01', which sorts
 * before '9999-12-31', and a string loop never ended.
 */
export function datesBetween(from: string, to: string): string[] {
  const start = dayMs(from);
  const n = Math.round((dayMs(to) - start) / DAY_MS) + 1;
  if (n <= 0) return [];
  if (n > MAX_DATES_BETWEEN) throw new RangeError(`datesBetween: ${from}..${to} spans ${n} days, more than ${MAX_DATES_BETWEEN}`);
  return Array.from({ length: n }, (_, i) => new Date(start + i * DAY_MS).toISOString().slice(0, 10));
}

/** Days from `from` to `to` inclusive, without listing them (0 when `to` is before `from`). */
export function daysBetween(from: string, to: string): number {
  return Math.max(0, Math.round((dayMs(to) - dayMs(from)) / DAY_MS) + 1);
}
