import { CLOSE_BUCKETS_MIN, COUNTERS, type Counters } from './counters.js';

/**
 * Every dashboard formula, in one place. The counting rules are those of digital city management
 * (数字城管, GB/T 30428) as practised by egova, the standard's co-drafter (DOMAIN.md §3):
 *
 * - 应结案 due for closure = handled in the period + overdue and still not handled;
 * - 结案率 closure rate = closed / due for closure;
 * - 按期结案率 on-time closure rate = closed on time / due for closure;
 * - 按期处置率 on-time handling rate = handled by the deadline / due for handling;
 * - 返工率 rework rate = rework / handled, where rework counts the cases a failed check sent back to
 *   the SAME handling unit and that unit handled again (re-dispatched elsewhere = not rework), each
 *   once, with its counted handling: a share of the handled, never above 100 %;
 * - cases on hold (挂账) are left out: an on-hold case is never "overdue and not handled";
 * - KPIs count cases, not handlings (DOMAIN.md §4): `handled` holds each case once, where the fold
 *   (counters.ts) placed it — its first handling, moved to the new unit's handling after 改派,
 *   taken back when the case is cancelled or merged — and `overdueUnhandled` (slice.ts) holds only
 *   cases never handled, so 应结案 counts a case once. docs/dashboard.md has the table.
 *
 * A rate whose denominator is zero is null (shown as "—"), never 0 % or 100 %. Rates are not
 * capped: a case handled before the period and closed inside it counts in `closed` only, as in the
 * published weekly figures.
 */

export interface KpiInput {
  /** counters summed over the period (rollups) */
  c: Counters;
  /** open now, in the dispatched (handling) stage, past the handling deadline, deadline inside the period */
  overdueUnhandled: number;
}

export interface Kpis {
  found: number;
  reported: number;
  selfResolved: number;
  filed: number;
  cancelled: number;
  dispatched: number;
  redispatched: number;
  handled: number;
  handledOnTime: number;
  rework: number;
  checkFailed: number;
  closed: number;
  closedOnTime: number;
  enforcementClosed: number;
  reopened: number;
  overdueMarked: number;
  holds: number;
  holdReleased: number;
  extensionRequests: number;
  extensions: number;
  overdueUnhandled: number;
  /** 应结案 */
  dueForClosure: number;
  /** 应处置: same population, by the handling deadline */
  dueForHandling: number;
  /** Of the due (handled in the window), how many are closed by now, and closed on time */
  dueClosed: number;
  dueClosedOnTime: number;
  closureRate: number | null;
  onTimeClosureRate: number | null;
  onTimeHandlingRate: number | null;
  reworkRate: number | null;
  /** 自发自处 share of everything found */
  selfResolvedShare: number | null;
  /** median found-to-closed time in minutes (from the histogram; linear inside a bucket) */
  medianCloseMinutes: number | null;
  meanCloseMinutes: number | null;
}

const rate = (num: number, den: number) => (den > 0 ? num / den : null);

/** Median of the found-to-closed histogram h0..h11, interpolated inside the bucket it falls in. */
export function histogramMedian(c: Counters): number | null {
  const counts = CLOSE_BUCKETS_MIN.map((_, i) => c[`h${i}` as keyof Counters]);
  const total = counts.reduce((a, b) => a + b, 0);
  if (!total) return null;
  const half = total / 2;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i]!;
    if (seen + n >= half && n > 0) {
      const lo = i === 0 ? 0 : CLOSE_BUCKETS_MIN[i - 1]!;
      const hi = Number.isFinite(CLOSE_BUCKETS_MIN[i]!) ? CLOSE_BUCKETS_MIN[i]! : lo * 2;
      return Math.round(lo + ((half - seen) / n) * (hi - lo));
    }
    seen += n;
  }
  return null;
}

/** What the composite score reads. */
export type ScoreCounters = Pick<Counters, 'handled' | 'handled_on_time' | 'due_closed' | 'due_closed_on_time' | 'rework'>;
export type ScoreRates = Pick<Kpis, 'closureRate' | 'onTimeClosureRate' | 'onTimeHandlingRate' | 'reworkRate'>;

/** The rates of the composite score, from its counters alone (a ranking scores thousands of units). */
export function scoreRates(c: ScoreCounters, overdueUnhandled: number): ScoreRates {
  const due = c.handled + overdueUnhandled;
  return {
    // 结案数 is counted among 应结案数: the due cases of the window (handled in it) that are closed.
    closureRate: rate(c.due_closed, due),
    onTimeClosureRate: rate(c.due_closed_on_time, due),
    onTimeHandlingRate: rate(c.handled_on_time, due),
    reworkRate: rate(c.rework, c.handled),
  };
}

export function computeKpis({ c, overdueUnhandled }: KpiInput): Kpis {
  const due = c.handled + overdueUnhandled;
  const flowClosed = c.closed;
  return {
    found: c.found,
    reported: c.reported,
    selfResolved: c.self_resolved,
    filed: c.filed,
    cancelled: c.cancelled,
    dispatched: c.dispatched,
    redispatched: c.redispatched,
    handled: c.handled,
    handledOnTime: c.handled_on_time,
    rework: c.rework,
    checkFailed: c.check_failed,
    closed: flowClosed,
    closedOnTime: c.closed_on_time,
    enforcementClosed: c.enforcement_closed,
    reopened: c.reopened,
    overdueMarked: c.overdue,
    holds: c.holds,
    holdReleased: c.hold_released,
    extensionRequests: c.extension_requests,
    extensions: c.extensions,
    overdueUnhandled,
    dueForClosure: due,
    dueForHandling: due,
    dueClosed: c.due_closed,
    dueClosedOnTime: c.due_closed_on_time,
    ...scoreRates(c, overdueUnhandled),
    selfResolvedShare: rate(c.self_resolved, c.found),
    medianCloseMinutes: histogramMedian(c),
    meanCloseMinutes: flowClosed ? Math.round(c.close_minutes / flowClosed) : null,
  };
}

export const sumCounters = (rows: Partial<Counters>[]): Counters => {
  const out = Object.fromEntries(COUNTERS.map((k) => [k, 0])) as Counters;
  for (const r of rows) for (const k of COUNTERS) out[k] += Number(r[k] ?? 0);
  return out;
};

/**
 * Composite score (综合评价): a weighted sum of rates, 0–100. Published weightings differ
 * (60/30/10, 10/30/30/30), so weights are data (dashboard_settings per subdistrict) with this
 * default: closure 60, on-time handling 30, no rework 10.
 */
export interface ScoreWeights {
  closureRate: number;
  onTimeClosureRate: number;
  onTimeHandlingRate: number;
  /** weight of (1 − rework rate) */
  noRework: number;
}
export const DEFAULT_WEIGHTS: ScoreWeights = { closureRate: 60, onTimeClosureRate: 0, onTimeHandlingRate: 30, noRework: 10 };

/** Grade bands on the score: A ≥ 95, B ≥ 85, C ≥ 70, else D. */
export const GRADE_BANDS = [
  { grade: 'A', min: 95 },
  { grade: 'B', min: 85 },
  { grade: 'C', min: 70 },
  { grade: 'D', min: 0 },
] as const;
export type ScoreGrade = (typeof GRADE_BANDS)[number]['grade'];

/**
 * Score over the rates that exist: a rate with no denominator drops out and the remaining
 * weights are renormalised; with none at all the score is null (nothing to judge).
 */
export function compositeScore(k: ScoreRates, w: ScoreWeights = DEFAULT_WEIGHTS): { score: number | null; grade: ScoreGrade | null } {
  const parts: [number | null, number][] = [
    [k.closureRate, w.closureRate],
    [k.onTimeClosureRate, w.onTimeClosureRate],
    [k.onTimeHandlingRate, w.onTimeHandlingRate],
    [k.reworkRate === null ? null : 1 - k.reworkRate, w.noRework],
  ];
  let sum = 0;
  let weight = 0;
  for (const [v, wt] of parts) {
    if (v === null || wt <= 0) continue;
    sum += v * wt;
    weight += wt;
  }
  if (!weight) return { score: null, grade: null };
  const score = Math.round((sum / weight) * 1000) / 10;
  return { score, grade: GRADE_BANDS.find((b) => score >= b.min)!.grade };
}
