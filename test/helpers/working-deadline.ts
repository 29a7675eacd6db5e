import { shanghaiDate } from '../../src/domain/calendar/office-hours.js';
import { packageIsWorkday } from '../../src/domain/calendar/working-days.js';

const HOUR = 3600_000;

/**
 * A rectification deadline `hours` after `from`, moved a day at a time (same time of day) until
 * it falls on a working day in Shanghai: a deadline on a rest day is refused. Reads the calendar
 * package's working days (the demo enters no calendar overrides).
 */
export function workingDeadline(from: Date | number, hours = 24): string {
  let at = new Date(from).getTime() + hours * HOUR;
  while (!packageIsWorkday(shanghaiDate(at))) at += 24 * HOUR;
  return new Date(at).toISOString();
}
