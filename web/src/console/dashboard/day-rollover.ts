/**
 * The dashboard's day: the summary's window says which Shanghai day its figures are of, and the
 * stream's `kpis` event (today's KPIs, carrying no day) is only laid over the summary it arrived
 * with. A fresh summary — after a case event, or at the Shanghai midnight refetch — replaces it,
 * so yesterday's live figures are never shown under a new day's summary.
 */
const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
/** After midnight: the server's clock may not have turned the day yet; ask again this soon. */
export const ROLLOVER_RETRY_MS = 15_000;
/** Refetch a little after midnight, so a server clock a second behind has turned the day too. */
export const ROLLOVER_MARGIN_MS = 2_000;
/** A summary's day this long past its end means the clocks disagree: fall back to the browser's day. */
const LATE_MS = 10 * 60_000;

/** The instant the Shanghai day after `day` ('YYYY-MM-DD') begins (China keeps no summer time). */
export const nextShanghaiMidnightMs = (day: string) => Date.parse(`${day}T00:00:00+08:00`) + DAY_MS;

/** How long until the dashboard should read again because the day of `summaryDay` ended. */
export function rolloverDelayMs(summaryDay: string | null | undefined, nowMs: number): number {
  if (summaryDay) {
    const next = nextShanghaiMidnightMs(summaryDay);
    if (next > nowMs) return next - nowMs + ROLLOVER_MARGIN_MS;
    if (nowMs - next < LATE_MS) return ROLLOVER_RETRY_MS;
  }
  const browserNext = Math.floor((nowMs + SHANGHAI_OFFSET_MS) / DAY_MS) * DAY_MS + DAY_MS - SHANGHAI_OFFSET_MS;
  return browserNext - nowMs + ROLLOVER_MARGIN_MS;
}

/** Live KPIs as received: the figures, and the summary that was on screen when they came. */
export interface LiveKpis<K, S> {
  kpis: Partial<K>;
  base: S | null;
}

/**
 * The KPIs to show: the summary's, with the live ones laid over only while that summary is still
 * the one they arrived with and the window is today's.
 */
export function shownKpis<K extends object, S extends { kpis: K }>(summary: S | null, live: LiveKpis<K, S> | null, today: boolean): Partial<K> {
  const base: Partial<K> = summary?.kpis ?? {};
  return today && live && summary && live.base === summary ? { ...base, ...live.kpis } : base;
}
