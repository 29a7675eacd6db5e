import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROLLOVER_MARGIN_MS, ROLLOVER_RETRY_MS, nextShanghaiMidnightMs, rolloverDelayMs, shownKpis } from '../../web/src/console/dashboard/day-rollover.js';

const DAY = 86_400_000;
/** The Shanghai date of an instant. */
const shanghaiDay = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
const instant = fc.integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: Date.parse('2035-01-01T00:00:00Z') });

describe('the dashboard reads again when its Shanghai day ends', () => {
  it('while the summary\'s day runs, the next read falls just after its Shanghai midnight, never before', () => {
    fc.assert(fc.property(instant, (now) => {
      const day = shanghaiDay(now);
      const at = now + rolloverDelayMs(day, now);
      expect(shanghaiDay(at)).not.toBe(day);
      expect(at).toBe(nextShanghaiMidnightMs(day) + ROLLOVER_MARGIN_MS);
    }));
  });

  it('just after midnight with the server still on yesterday, it asks again soon; with clocks far apart, at the browser\'s next midnight', () => {
    fc.assert(fc.property(instant, fc.integer({ min: 0, max: 9 * 60_000 }), (midnightish, late) => {
      const day = shanghaiDay(midnightish);
      const now = nextShanghaiMidnightMs(day) + late;
      expect(rolloverDelayMs(day, now)).toBe(ROLLOVER_RETRY_MS);
    }));
    fc.assert(fc.property(instant, fc.integer({ min: 2, max: 400 }), (now, daysBehind) => {
      const stale = shanghaiDay(now - daysBehind * DAY);
      const at = now + rolloverDelayMs(stale, now);
      expect(at).toBe(nextShanghaiMidnightMs(shanghaiDay(now)) + ROLLOVER_MARGIN_MS);
    }));
  });

  it('live KPIs are laid over the summary they arrived with only, and on the today window only', () => {
    type K = { found: number; closed: number };
    const yesterday = { kpis: { found: 7, closed: 5 } };
    const fresh = { kpis: { found: 0, closed: 0 } };
    const live = { kpis: { found: 9 }, base: yesterday };
    expect(shownKpis<K, typeof yesterday>(yesterday, live, true)).toEqual({ found: 9, closed: 5 });
    expect(shownKpis<K, typeof yesterday>(fresh, live, true)).toEqual({ found: 0, closed: 0 });
    expect(shownKpis<K, typeof yesterday>(yesterday, live, false)).toEqual({ found: 7, closed: 5 });
    expect(shownKpis<K, typeof yesterday>(yesterday, { kpis: { found: 9 }, base: null }, true)).toEqual({ found: 7, closed: 5 });
    expect(shownKpis<K, typeof yesterday>(null, live, true)).toEqual({});
  });
});
