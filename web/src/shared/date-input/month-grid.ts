/** The calendar arithmetic of the date picker, on yyyy-MM-dd strings (UTC dates, no time zone involved). */

const pad = (n: number) => String(n).padStart(2, '0');
const toDay = (d: Date) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
const parse = (day: string) => {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d!));
};

/** The day `n` days after `day` (before, when negative). */
export function addDays(day: string, n: number): string {
  const d = parse(day);
  d.setUTCDate(d.getUTCDate() + n);
  return toDay(d);
}

/** The same day of the month `n` months on, clamped to that month's last day (01-31 + 1 month → 02-28). */
export function addMonths(day: string, n: number): string {
  const d = parse(day);
  const first = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d.getUTCDate(), last));
  return toDay(first);
}

/**
 * The weeks of the month holding `day`, Monday first as Chinese calendars print them; each cell
 * is a yyyy-MM-dd, or null outside the month.
 */
export function monthWeeks(day: string): (string | null)[][] {
  const d = parse(day);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const length = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const lead = (new Date(Date.UTC(y, m, 1)).getUTCDay() + 6) % 7;
  const cells: (string | null)[] = Array.from({ length: lead }, () => null);
  for (let i = 1; i <= length; i++) cells.push(`${y}-${pad(m + 1)}-${pad(i)}`);
  while (cells.length % 7) cells.push(null);
  const weeks: (string | null)[][] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  return weeks;
}
