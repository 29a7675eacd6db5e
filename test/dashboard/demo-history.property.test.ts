import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Ctx, generateCases } from '../../src/domain/dashboard/seed/case-year.js';
import { seededRandom } from '../../src/domain/shared/random.js';

// The synthetic history behind the demo and the benchmarks: a desk opened at any hour shows work in
// progress, and handling units work days, not nights (unless a deadline forces them).
const ctx: Ctx = {
  committees: [{ id: 'c1' }, { id: 'c2' }],
  sites: [{ id: 's1', committee_id: 'c1', grid_id: null, lng: 121.4, lat: 31.2 }, { id: 's2', committee_id: 'c2', grid_id: 'g1', lng: 121.41, lat: 31.21 }],
  categories: [{ id: 'k1', code: 'A0101' }, { id: 'k2', code: 'B0101' }],
  units: ['u1', 'u2'],
  handlers: new Map([['u1', 'h1'], ['u2', 'h2']]),
  patrols: ['p1', 'p2'],
  checkers: new Set(['p1']),
  operators: ['o1'],
};
const HOUR = 3_600_000;
const shanghaiHour = (iso: string) => Math.floor(Date.parse(iso) / HOUR + 8) % 24;
const anyNow = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 11, 31) }).map((ms) => new Date(ms));

describe('the synthetic case history', () => {
  it('has cases still open whatever the hour it is generated at', () => {
    fc.assert(
      fc.property(fc.nat(), anyNow, (seed, now) => {
        const { cases } = generateCases(seededRandom(seed), ctx, 'sub', 'T', { days: 28, casesPerDay: 40, now });
        expect(cases.some((c) => c.status === 'closed')).toBe(true);
        expect(cases.filter((c) => c.status !== 'closed' && c.status !== 'cancelled').length).toBeGreaterThan(0);
        expect(cases.every((c) => Date.parse(c.reported_at) <= now.getTime())).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('handles in the night only when the deadline or lateness forces it', () => {
    fc.assert(
      fc.property(fc.nat(), anyNow, (seed, now) => {
        const { events } = generateCases(seededRandom(seed), ctx, 'sub', 'T', { days: 10, casesPerDay: 40, now });
        for (const e of events.filter((x) => x.action === 'handle')) {
          const h = shanghaiHour(e.at);
          if (h >= 8 && h < 19) continue;
          const due = (JSON.parse(e.changes) as { stage_due_at: [string, string] }).stage_due_at[0];
          // At the last minute before the deadline, or after it (a late case).
          expect(Date.parse(e.at), `${e.case_id} handled at ${e.at}, due ${due}`).toBeGreaterThanOrEqual(Date.parse(due) - 60_000);
        }
      }),
      { numRuns: 40 },
    );
  });
});
