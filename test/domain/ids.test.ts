import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../src/domain/shared/clock.js';
import { newId, newIdFor } from '../../src/domain/shared/ids.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const stamp = (id: string) => Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);

describe('ids', () => {
  it('are UUIDv7: unique, strictly increasing in one process, stamped with the time of their making, and random beyond it', () => {
    const before = Date.now();
    // More than the random pool holds, several times over.
    const ids = Array.from({ length: 5_000 }, () => newId());
    const after = Date.now();
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!, `${ids[i - 1]} < ${ids[i]}`).toBe(true);
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const ms = Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);
      expect(ms).toBeGreaterThanOrEqual(before);
      expect(ms).toBeLessThanOrEqual(after + 1);
    }
    // The last 32 bits are drawn at random for each id: over 5,000 ids they repeat rarely, if ever.
    const tails = new Set(ids.map((id) => id.slice(-8)));
    expect(tails.size).toBeGreaterThan(ids.length - 5);
  });

  it('stamped by a clock: the system clock gives newId()s, a clock set elsewhere in time its own instant, increasing at one instant', () => {
    const before = Date.now();
    const live = [newIdFor(systemClock), newId(), newIdFor(systemClock)];
    expect(live[0]! < live[1]! && live[1]! < live[2]!).toBe(true);
    expect(stamp(live[0]!)).toBeGreaterThanOrEqual(before);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: Date.parse('2020-01-01'), max: Date.parse('2030-01-01') }), fc.integer({ min: 1, max: 20 })), { minLength: 1, maxLength: 30 }), (steps) => {
        const clock = new ManualClock(new Date(steps[0]![0]));
        for (const [at, n] of steps) {
          clock.set(new Date(at));
          const ids = Array.from({ length: n }, () => newIdFor(clock));
          for (const id of ids) {
            expect(id).toMatch(UUID_V7);
            expect(stamp(id)).toBe(at);
          }
          for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
        }
      }),
    );
  });
});
