/**
 * What a person may type into a DateInput, read as the canonical value the form gets: "2026-12-05"
 * (date), "16:00" (time) or "2026-12-05T16:00" (date and time, Shanghai wall time). Chinese
 * conventions only: year first, 24-hour clock.
 */
export type DateKind = 'date' | 'datetime' | 'time';

const pad = (n: number) => String(n).padStart(2, '0');

/** Full-width digits and punctuation (typed with a Chinese IME) as ASCII. */
function ascii(text: string): string {
  return text.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ').trim();
}

function day(y: number, m: number, d: number): string | null {
  if (y < 1000 || m < 1 || m > 12 || d < 1) return null;
  if (d > new Date(Date.UTC(y, m, 0)).getUTCDate()) return null;
  return `${y}-${pad(m)}-${pad(d)}`;
}

function clock(h: number, m: number): string | null {
  return h < 24 && m < 60 ? `${pad(h)}:${pad(m)}` : null;
}

// The forms a person types: 2026-12-05, 2026/12/5, 2026.12.5, 2026年12月5日, 20261205.
const DAY = /^(\d{4})(?:\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?|(\d{2})(\d{2}))$/;
// 16:00, 9:05, 16：00, 16时05分, 16点05, 1600.
const CLOCK = /^(?:(\d{1,2})\s*[:.时点]\s*(\d{1,2})\s*分?|(\d{2})(\d{2}))$/;

function parseDay(text: string): string | null {
  const m = DAY.exec(text);
  if (!m) return null;
  return day(Number(m[1]), Number(m[2] ?? m[4]), Number(m[3] ?? m[5]));
}

function parseClock(text: string): string | null {
  const m = CLOCK.exec(text);
  if (!m) return null;
  return clock(Number(m[1] ?? m[3]), Number(m[2] ?? m[4]));
}

function parseDayTime(text: string): string | null {
  const digits = /^(\d{8})(\d{4})$/.exec(text);
  const m = digits ?? /^(.+?)(?:\s*T\s*|\s+)(\d{1,2}\s*[:.时点]\s*\d{1,2}\s*分?|\d{4})$/.exec(text);
  if (!m) return null;
  const d = parseDay(m[1]!.trim());
  const c = parseClock(m[2]!);
  return d && c ? `${d}T${c}` : null;
}

/** The value of what a person typed ("2026/12/5 9:05" → "2026-12-05T09:05"), or null when it is not a real date or time. */
export function parseInput(kind: DateKind, text: string): string | null {
  const s = ascii(text);
  if (kind === 'date') return parseDay(s);
  if (kind === 'time') return parseClock(s);
  return parseDayTime(s);
}

/** True while more digits could still change what `text` means (2026-12-1 may become 2026-12-15). */
export function mayGrow(kind: DateKind, text: string): boolean {
  for (let d = 0; d <= 9; d++) if (parseInput(kind, text + d)) return true;
  return false;
}

/** How a value is shown in an input: "2026-12-05 16:00" for a date and time; dates and times as they are. */
export function displayValue(kind: DateKind, value: string): string {
  return kind === 'datetime' ? value.replace('T', ' ') : value;
}

