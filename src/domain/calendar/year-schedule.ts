import type { CalendarOverrideKind } from '../../db/schema.js';
import { invalidField } from '../shared/errors.js';
import { addDays, isRealDate } from './office-hours.js';
import { isWeekend, packageIsWorkday } from './working-days.js';

/**
 * A year's official schedule (国务院办公厅关于某年部分节假日安排的通知) in a small text format, one
 * line per day or range (see docs/calendar.md):
 *
 *     # 2027年部分节假日安排
 *     2027-01-01 休 元旦
 *     2027-02-06..2027-02-12 休 春节
 *     2027-02-14 班 春节调休上班
 *
 * The kind is `休`/`holiday` or `班`/`workday`; the note is optional. Dates belong to the year, or to
 * the last week of the year before (a New Year holiday and its make-up day may start there).
 */
export interface ScheduleDay {
  date: string;
  kind: CalendarOverrideKind;
  note: string;
}

const KINDS: Record<string, CalendarOverrideKind> = { 休: 'holiday', holiday: 'holiday', 班: 'workday', workday: 'workday' };
const LINE = /^(\d{4}-\d{2}-\d{2})(?:\s*(?:\.\.|至|~)\s*(\d{4}-\d{2}-\d{2}))?\s+(\S+)(?:\s+(.*))?$/;
export const MAX_SCHEDULE_BYTES = 64 * 1024;


/** Parses a schedule; a bad line is refused naming its number and what is wrong. */
export function parseYearSchedule(year: number, text: string): ScheduleDay[] {
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw invalidField('year', 'year must be between 2000 and 2100');
  if (Buffer.byteLength(text, 'utf8') > MAX_SCHEDULE_BYTES) throw invalidField('schedule', `the schedule is longer than ${MAX_SCHEDULE_BYTES} bytes`);
  const earliest = `${year - 1}-12-25`;
  const latest = `${year}-12-31`;
  const days = new Map<string, ScheduleDay>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/^\uFEFF/, '').trim();
    if (!line || line.startsWith('#')) return;
    const n = i + 1;
    const m = LINE.exec(line);
    if (!m) throw invalidField('schedule', `line ${n}: expected "YYYY-MM-DD[..YYYY-MM-DD] 休|班 [note]"`);
    const [, from, to = m[1]!, kindWord, note = ''] = m as unknown as [string, string, string | undefined, string, string | undefined];
    const kind = KINDS[kindWord.toLowerCase()];
    if (!kind) throw invalidField('schedule', `line ${n}: kind must be 休 (holiday) or 班 (workday)`);
    for (const d of [from, to]) {
      if (!isRealDate(d)) throw invalidField('schedule', `line ${n}: ${d} is not a real date`);
      if (d < earliest || d > latest) throw invalidField('schedule', `line ${n}: ${d} is outside the ${year} schedule (${earliest} to ${latest})`);
    }
    if (to < from) throw invalidField('schedule', `line ${n}: the range ends before it starts`);
    if (note.length > 200) throw invalidField('schedule', `line ${n}: the note is longer than 200 characters`);
    for (let d = from; d <= to; d = addDays(d, 1)) {
      const seen = days.get(d);
      if (seen && seen.kind !== kind) throw invalidField('schedule', `line ${n}: ${d} is listed as both a holiday and a workday`);
      days.set(d, { date: d, kind, note: note.trim() });
    }
  });
  if (!days.size) throw invalidField('schedule', 'the schedule lists no day');
  return [...days.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
}

/**
 * The override rows that make the year exactly the schedule: its listed days, and every other day
 * of the year where the bundled calendar disagrees with plain Monday–Friday (a holiday the
 * package knows but the schedule does not list becomes a workday, and so on).
 */
export function overridesForYear(year: number, listed: ScheduleDay[]): ScheduleDay[] {
  const byDate = new Map(listed.map((d) => [d.date, d]));
  const rows = [...listed];
  for (let d = `${year}-01-01`; d <= `${year}-12-31`; d = addDays(d, 1)) {
    if (byDate.has(d)) continue;
    const plain: CalendarOverrideKind = isWeekend(d) ? 'holiday' : 'workday';
    if (packageIsWorkday(d) !== (plain === 'workday')) rows.push({ date: d, kind: plain, note: `${year}年安排未列：按${plain === 'workday' ? '工作日' : '周末'}` });
  }
  return rows.sort((a, b) => (a.date < b.date ? -1 : 1));
}
