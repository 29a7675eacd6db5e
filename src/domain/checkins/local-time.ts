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

/** Every date from `from` to `to` inclusive. */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}
