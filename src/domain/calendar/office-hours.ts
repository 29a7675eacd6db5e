/**
 * Office hours that "working hours" count, in Asia/Shanghai local time.
 * Morning 08:30–12:00 and afternoon 13:00–17:30: 8 working hours per working day,
 * the usual hours of a Shanghai subdistrict office (街道办事处).
 */
export const OFFICE_PERIODS: readonly { start: string; end: string }[] = [
  { start: '08:30', end: '12:00' },
  { start: '13:00', end: '17:30' },
];

/** China Standard Time has no daylight saving (none since 1991): Asia/Shanghai is always UTC+8. */
export const SHANGHAI_OFFSET_MS = 8 * 3600_000;

export const DAY_MS = 24 * 3600_000;

const toMinutes = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h as number) * 60 + (m as number);
};

/** Office periods as [startMs, endMs) offsets from local midnight. */
export const OFFICE_PERIODS_MS: readonly (readonly [number, number])[] = OFFICE_PERIODS.map((p) => [
  toMinutes(p.start) * 60_000,
  toMinutes(p.end) * 60_000,
]);

export const WORKING_HOURS_PER_DAY = OFFICE_PERIODS_MS.reduce((s, [a, b]) => s + (b - a), 0) / 3600_000;

/** 'YYYY-MM-DD' of an instant in Asia/Shanghai. */
export function shanghaiDate(at: Date | number): string {
  return new Date(+at + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The UTC instant of local midnight (Asia/Shanghai) starting the given calendar date. */
export function shanghaiMidnight(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) - SHANGHAI_OFFSET_MS;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whether 'YYYY-MM-DD' names a real calendar date (not 2026-02-30, not 2026-13-01). */
export function isRealDate(date: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
  const t = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(t.getTime()) && t.toISOString().startsWith(date);
}
