import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CalendarDay, FIRST_CALENDAR_DAY, LAST_CALENDAR_DAY } from '../../src/domain/calendar/day-schema.js';
import { MAX_DATES_BETWEEN, addDays, datesBetween, daysBetween } from '../../src/domain/checkins/local-time.js';
import { resolveWindow } from '../../src/domain/dashboard/slice.js';
import { ManualClock } from '../../src/domain/shared/clock.js';
import { signInAs } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { type CaseFixture, caseFixture } from '../cases/fixtures.js';

const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** Any day with a four-digit year, the shape CalendarDay lets through to its range check. */
const anyDay = fc.integer({ min: Date.parse('0000-01-01T00:00:00Z') / DAY_MS, max: Date.parse('9999-12-31T00:00:00Z') / DAY_MS })
  .map((d) => iso(d * DAY_MS));
/** Any day CalendarDay accepts (2000–2100). */
const calendarDay = fc.integer({ min: Date.parse('2000-01-01T00:00:00Z') / DAY_MS, max: Date.parse('2100-12-31T00:00:00Z') / DAY_MS })
  .map((d) => iso(d * DAY_MS));

describe('days between two days', () => {
  it('lists every day from one to the other in order, or refuses a span past its cap; it always returns (year 9999 included)', () => {
    fc.assert(fc.property(fc.oneof(anyDay, fc.constantFrom('9999-12-31', '0000-01-01', '9999-12-30')), fc.oneof(anyDay, fc.constant('9999-12-31')), (from, to) => {
      const n = daysBetween(from, to);
      if (n > MAX_DATES_BETWEEN) {
        expect(() => datesBetween(from, to)).toThrow(RangeError);
        return;
      }
      const days = datesBetween(from, to);
      expect(days).toHaveLength(n);
      if (!n) {
        expect(to < from).toBe(true);
        return;
      }
      expect(days[0]).toBe(from);
      expect(days.at(-1)).toBe(to);
      for (let i = 1; i < days.length; i++) expect(Date.parse(days[i]!) - Date.parse(days[i - 1]!)).toBe(DAY_MS);
    }), { numRuns: 300 });
    expect(datesBetween('9999-12-31', '9999-12-31')).toEqual(['9999-12-31']);
    expect(addDays('9999-12-31', 1) < '9999-12-31').toBe(true); // why comparing strings could not end
  });

  it('every pair of calendar days makes a window or a 400 naming the field, quickly', () => {
    const clock = new ManualClock('2026-12-06T12:00:00Z');
    fc.assert(fc.property(calendarDay, calendarDay, (from, to) => {
      try {
        const w = resolveWindow(clock, { window: 'custom', from, to });
        expect(w.days).toHaveLength(daysBetween(from, to));
        expect(w.days.length).toBeLessThanOrEqual(366);
      } catch (e) {
        expect((e as { code?: string }).code).toBe('validation_failed');
        expect(JSON.stringify((e as { details?: unknown }).details)).toContain('"to"');
      }
    }), { numRuns: 300 });
  });

  it('a calendar day is kept to 2000–2100, and a domain caller of the window is held to it too', () => {
    for (const d of ['1999-12-31', '2101-01-01', '9999-12-31', '0000-01-01']) {
      const r = CalendarDay.safeParse(d);
      expect(r.success, d).toBe(false);
      expect(r.error!.issues[0]!.message).toBe(`expected a day from ${FIRST_CALENDAR_DAY} to ${LAST_CALENDAR_DAY}`);
    }
    expect(CalendarDay.safeParse(FIRST_CALENDAR_DAY).success).toBe(true);
    expect(CalendarDay.safeParse(LAST_CALENDAR_DAY).success).toBe(true);
    const clock = new ManualClock('2026-12-06T12:00:00Z');
    for (const [from, to, field] of [['9999-12-31', undefined, 'from'], ['2026-01-01', '9999-12-31', 'to'], ['1999-12-31', '2000-01-01', 'from']] as const) {
      expect(() => resolveWindow(clock, { window: 'custom', from, to }), `${from}..${to}`).toThrow(expect.objectContaining({ code: 'validation_failed', details: { fields: [expect.objectContaining({ field })] } }));
    }
  });
});

for (const dialect of DIALECTS) {
  describe(`a window past the calendar's range is refused at once [${dialect}]`, () => {
    let f: CaseFixture;
    let cookie: string;
    beforeAll(async () => {
      f = await caseFixture(dialect);
      cookie = await signInAs(f.ctx.app, 'cadre01');
    });
    afterAll(async () => f.ctx.close());

    it('any dashboard.read user (a cadre) gets a 400 naming the day, not a server that never answers', async () => {
      for (const [url, field] of [
        ['/api/dashboard/summary?window=custom&from=9999-12-31', 'from'],
        ['/api/dashboard/summary?window=custom&from=2026-01-01&to=9999-12-31', 'to'],
        ['/api/dashboard/trends/daily?window=custom&from=9999-12-31&to=9999-12-31', 'from'],
        ['/api/dashboard/rankings?window=custom&from=9999-12-31', 'from'],
        ['/api/dashboard/compare?beforeFrom=2026-01-01&beforeTo=2026-01-02&afterFrom=9999-12-30&afterTo=9999-12-31', 'afterFrom'],
        ['/api/dashboard/trends/hourly?date=9999-12-31', 'date'],
        ['/api/coverage/board?from=9999-12-31&to=9999-12-31', 'from'],
      ] as const) {
        const res = await f.ctx.app.inject({ method: 'GET', url, headers: { cookie } });
        expect(res.statusCode, `${url} ${res.body}`).toBe(400);
        expect(res.json().error.details.fields.map((x: { field: string }) => x.field), url).toContain(field);
      }
    });
  });
}
