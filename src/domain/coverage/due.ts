import type { Grade, SiteKind } from '../../db/schema.js';
import { addDays, datesBetween, shanghaiInstant } from '../checkins/local-time.js';
import { DEFAULT_GRADE } from '../compliance/grade-rule.js';
import { parseDisposalHours, windowsOn } from '../checkins/windows.js';
import type { IntervalTable } from './intervals.js';

/**
 * What is due, and what covers it, per kind of site over a period of Shanghai days (巡查点位全覆盖).
 * One definition per kind, used by the coverage board, the dashboard and the tests. Each site in
 * a row is in exactly one state, so on every row covered + missed + pending = due ≤ sites and the
 * rate covered / due never passes 100 %:
 *
 * - bin room: due when at least one of its disposal sessions (定时定点 windows) in the period
 *   starts after the room was registered (or has a check-in: the room was evidently there);
 *   covered when every such session has an on-site check-in inside it; missed when a session has
 *   ended without one (or the missed-check-in job recorded it); otherwise pending.
 * - shop and institution (unit): due when its next inspection — one interval of its grade after
 *   its last inspection before the period, or its registration if never inspected — falls before
 *   the period ends, or when a sweep (集中排查) of its kind and committee runs during the period and
 *   it was not inspected in that sweep before the period; covered when inspected in the period;
 *   missed when not, and its due time (the sweep's end for a sweep) has passed; otherwise pending.
 *
 * Sites are the active sites of the kind registered before the period ends (or seen in it: a
 * check-in or inspection proves the site was there whatever its registration time says).
 */
/** `absent`: not a site of the period (registered after it, never seen in it). */
export type CoverageState = 'absent' | 'not_due' | 'covered' | 'missed' | 'pending';

export interface Period {
  /** Shanghai dates, inclusive */
  from: string;
  to: string;
}

export const periodStartMs = (p: Period) => shanghaiInstant(p.from).getTime();
export const periodEndMs = (p: Period) => shanghaiInstant(addDays(p.to, 1)).getTime();

export interface BinRoomInput {
  createdAt: string;
  disposalHours: string | null;
  /** window keys of this room with an on-site, in-window check-in */
  checkedWindows: ReadonlySet<string>;
  /** window keys the missed-check-in job recorded for this room */
  missedWindows?: ReadonlySet<string>;
}

export function binRoomState(room: BinRoomInput, p: Period, nowMs: number): CoverageState {
  return binRoomStateIn(periodSessions(room.disposalHours, p), Date.parse(room.createdAt), room, periodEndMs(p), nowMs);
}

export interface Session {
  key: string;
  startMs: number;
  endMs: number;
}

/** The disposal sessions of a timetable over the period (computed once per timetable). */
export function periodSessions(disposalHours: string | null, p: Period): Session[] {
  const hours = parseDisposalHours(disposalHours);
  return datesBetween(p.from, p.to).flatMap((d) => windowsOn(d, hours)).map((w) => ({ key: w.key, startMs: w.startAt.getTime(), endMs: w.endAt.getTime() }));
}

/** binRoomState with the room's sessions and times already computed. */
export function binRoomStateIn(
  sessions: readonly Session[], createdMs: number, room: Pick<BinRoomInput, 'checkedWindows' | 'missedWindows'>, endMs: number, nowMs: number,
): CoverageState {
  let due = false;
  let open = false;
  let missed = false;
  let seen = false;
  for (const w of sessions) {
    const checked = room.checkedWindows.has(w.key);
    seen ||= checked;
    // A session with a check-in is due whatever the registration says: the room was evidently there.
    if (w.startMs < createdMs && !checked) continue;
    due = true;
    if (checked) continue;
    if (w.endMs <= nowMs || room.missedWindows?.has(w.key)) missed = true;
    else open = true;
  }
  // Registered after the period and no check-in in it: not a site of the period.
  if (createdMs >= endMs && !seen) return 'absent';
  if (!due) return 'not_due';
  return missed ? 'missed' : open ? 'pending' : 'covered';
}

export interface Sweep {
  kinds: readonly SiteKind[];
  /** null: the whole subdistrict */
  committeeIds: readonly string[] | null;
  startDate: string;
  endDate: string;
}

export interface InspectedSiteInput {
  kind: SiteKind;
  committeeId: string;
  createdAt: string;
  grade: Grade | null;
  /** the last inspection recorded before the period (instant), null when none */
  lastBefore: string | null;
  /** Shanghai dates of inspections from the earliest running sweep's start to the period's end */
  inspectedDates: readonly string[];
}

const DAY_MS = 24 * 3600_000;

/** When the site's next inspection falls due by its grade's interval (ms), as of the period's start. */
export function intervalDueMs(site: Pick<InspectedSiteInput, 'kind' | 'createdAt' | 'grade' | 'lastBefore'>, intervals: IntervalTable): number {
  if (!site.lastBefore) return Date.parse(site.createdAt);
  return Date.parse(site.lastBefore) + intervals[site.kind][site.grade ?? DEFAULT_GRADE] * DAY_MS;
}

export function inspectedSiteState(site: InspectedSiteInput, p: Period, sweeps: readonly Sweep[], intervals: IntervalTable, nowMs: number): CoverageState {
  return inspectedSiteStateIn(
    { ...site, createdMs: Date.parse(site.createdAt), lastBeforeMs: site.lastBefore ? Date.parse(site.lastBefore) : null },
    sitePeriod(p, sweeps, intervals, nowMs),
  );
}

/** The period, its sweeps and intervals, computed once for every site of a board. */
export interface SitePeriod {
  p: Period;
  endMs: number;
  nowMs: number;
  intervals: IntervalTable;
  sweeps: (Sweep & { dueMs: number })[];
}

export function sitePeriod(p: Period, sweeps: readonly Sweep[], intervals: IntervalTable, nowMs: number): SitePeriod {
  const endMs = periodEndMs(p);
  return {
    p, endMs, nowMs, intervals,
    // A sweep running during the period; a site it asks for is due by the sweep's last day.
    sweeps: sweeps.filter((s) => s.startDate <= p.to && s.endDate >= p.from)
      .map((s) => ({ ...s, dueMs: Math.min(shanghaiInstant(addDays(s.endDate, 1)).getTime(), endMs) })),
  };
}

export function inspectedSiteStateIn(
  site: Pick<InspectedSiteInput, 'kind' | 'committeeId' | 'grade' | 'inspectedDates'> & { createdMs: number; lastBeforeMs: number | null; retiredMs?: number | null },
  x: SitePeriod,
): CoverageState {
  const { p } = x;
  // A site retired during the period is one of the period until its retirement only (as a bin
  // room's sessions are): nothing falls due on it from then on.
  const endMs = site.retiredMs != null ? Math.min(x.endMs, site.retiredMs) : x.endMs;
  if (site.retiredMs != null && site.retiredMs <= shanghaiInstant(p.from).getTime()) return 'absent';
  // Registered after the period and never inspected before its end: not a site of the period.
  if (site.createdMs >= endMs && site.lastBeforeMs === null && !site.inspectedDates.some((d) => d <= p.to)) return 'absent';
  let dueMs = Infinity;
  const byInterval = site.lastBeforeMs === null ? site.createdMs : site.lastBeforeMs + x.intervals[site.kind][site.grade ?? DEFAULT_GRADE] * DAY_MS;
  if (byInterval < endMs) dueMs = byInterval;
  for (const s of x.sweeps) {
    if (!s.kinds.includes(site.kind) || (s.committeeIds && !s.committeeIds.includes(site.committeeId))) continue;
    // Retired before the sweep's last day: the sweep could no longer ask it.
    if (s.dueMs > endMs) continue;
    // Already inspected in this sweep before the period: the sweep asks nothing more of it.
    if (site.inspectedDates.some((d) => d >= s.startDate && d < p.from)) continue;
    if (s.dueMs < dueMs) dueMs = s.dueMs;
  }
  if (dueMs === Infinity) return 'not_due';
  if (site.inspectedDates.some((d) => d >= p.from && d <= p.to)) return 'covered';
  return dueMs <= x.nowMs ? 'missed' : 'pending';
}

export interface CoverageCounts {
  sites: number;
  due: number;
  covered: number;
  missed: number;
  pending: number;
}

export const emptyCounts = (): CoverageCounts => ({ sites: 0, due: 0, covered: 0, missed: 0, pending: 0 });

/** Adds one site in `state` to a row. */
export function tally(row: CoverageCounts, state: CoverageState) {
  if (state === 'absent') return;
  row.sites++;
  if (state === 'not_due') return;
  row.due++;
  row[state]++;
}

/** covered / due, null when nothing is due (shown as "—"). */
export const coverageRate = (c: Pick<CoverageCounts, 'due' | 'covered'>): number | null => (c.due ? c.covered / c.due : null);
