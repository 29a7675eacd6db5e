import { shanghaiInstant, shanghaiParts } from './local-time.js';

/** A bin room's disposal window on one day (定时定点: e.g. 07:00–09:00 and 18:00–20:00). */
export interface DisposalWindow {
  date: string;
  start: string;
  end: string;
  key: string;
  startAt: Date;
  endAt: Date;
}

export type WindowPair = [string, string];

export function parseDisposalHours(json: string | null): WindowPair[] {
  if (!json) return [];
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? (v.filter((p) => Array.isArray(p) && p.length === 2) as WindowPair[]) : [];
  } catch {
    return [];
  }
}

export const windowKey = (date: string, start: string, end: string) => `${date}@${start}-${end}`;
export const outsideKey = (date: string) => `${date}@outside`;

export function windowsOn(date: string, hours: WindowPair[]): DisposalWindow[] {
  return hours.map(([start, end]) => ({
    date,
    start,
    end,
    key: windowKey(date, start, end),
    startAt: shanghaiInstant(date, start),
    endAt: shanghaiInstant(date, end),
  }));
}

/**
 * The window an instant falls in: start inclusive, end exclusive. Check-ins outside every window
 * fold into one "outside" bucket per day; they are kept but do not cover a window.
 */
export function windowAt(at: Date, hours: WindowPair[]): { key: string; date: string; inWindow: boolean; endAt: Date | null } {
  const { date, hhmm } = shanghaiParts(at);
  const hit = hours.find(([start, end]) => hhmm >= start && hhmm < end);
  return hit
    ? { key: windowKey(date, hit[0], hit[1]), date, inWindow: true, endAt: shanghaiInstant(date, hit[1]) }
    : { key: outsideKey(date), date, inWindow: false, endAt: null };
}
