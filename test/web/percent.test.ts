import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { floorPercent } from '../../web/src/shared/percent.js';

describe('floorPercent', () => {
  it('is the share in tenths of a percent rounded down, exactly, for any counts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5_000_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (whole, f) => {
        const part = Math.floor(whole * f);
        const tenths = (BigInt(part) * 1000n) / BigInt(whole);
        expect(floorPercent(part, whole)).toBe(`${tenths / 10n}.${tenths % 10n}%`);
      }),
      { numRuns: 2000 },
    );
  });

  it('shows whole shares as they are and never rounds up to 100 %', () => {
    expect(floorPercent(57, 100)).toBe('57.0%');
    expect(floorPercent(999, 1000)).toBe('99.9%');
    expect(floorPercent(9999, 10000)).toBe('99.9%');
    expect(floorPercent(10, 10)).toBe('100.0%');
    expect(floorPercent(0, 7)).toBe('0.0%');
    expect(floorPercent(0, 0)).toBe('—');
  });
});
