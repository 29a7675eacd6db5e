import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEVICE_TIME_TOLERANCE_MS, deviceTimeOffsetMs, eventPlace } from '../../src/domain/cases/timeline.js';
import { offsetMetres } from '../../src/domain/geo/haversine.js';

/** Positions within Shanghai, where every site is. */
const site = fc.record({ lng: fc.double({ min: 120.9, max: 122.0, noNaN: true }), lat: fc.double({ min: 30.7, max: 31.9, noNaN: true }) });

describe('a timeline event placed against the site', () => {
  it('is as far as the phone was, and within the fence exactly when its accuracy circle reaches the fence with a usable accuracy', () => {
    fc.assert(
      fc.property(
        site,
        fc.double({ min: 0, max: 3000, noNaN: true }),
        fc.double({ min: 0, max: 360, noNaN: true, maxExcluded: true }),
        fc.double({ min: 0, max: 300, noNaN: true }),
        fc.integer({ min: 10, max: 200 }),
        fc.integer({ min: 20, max: 200 }),
        (s, d, bearing, accuracy, radiusM, maxAccuracyM) => {
          // Away from the fence line by more than the decimetre rounding, so the verdict is unambiguous.
          fc.pre(Math.abs(d - accuracy - radiusM) > 0.05);
          const p = offsetMetres(s, d, bearing);
          const place = eventPlace({ ...s, reference: 'site' }, { ...p, accuracy }, { radiusM, maxAccuracyM })!;
          expect(Math.abs(place.distanceM - d)).toBeLessThan(0.1);
          expect(place.withinFence).toBe(accuracy <= maxAccuracyM && d - accuracy <= radiusM);
          expect(place.reference).toBe('site');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('without a reported accuracy is judged by its point; without a fence has no verdict; without a position has no place', () => {
    fc.assert(
      fc.property(site, fc.double({ min: 0, max: 500, noNaN: true }), fc.integer({ min: 10, max: 200 }), (s, d, radiusM) => {
        fc.pre(Math.abs(d - radiusM) > 0.05);
        const p = offsetMetres(s, d, 45);
        const ref = { ...s, reference: 'case' as const };
        expect(eventPlace(ref, { ...p, accuracy: null }, { radiusM, maxAccuracyM: 100 })!.withinFence).toBe(d <= radiusM);
        expect(eventPlace(ref, { ...p, accuracy: 5 })!.withinFence).toBeNull();
        expect(eventPlace(ref, { lng: null, lat: null, accuracy: null }, { radiusM, maxAccuracyM: 100 })).toBeNull();
        expect(eventPlace(null, { ...p, accuracy: 5 }, { radiusM, maxAccuracyM: 100 })).toBeNull();
      }),
    );
  });
});

describe('the device time of a timeline event', () => {
  it('is reported (as device minus server) only when it differs from the server time by more than the tolerance', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2027-12-31T00:00:00Z') }),
        fc.integer({ min: -3 * 24 * 3600_000, max: 3 * 24 * 3600_000 }),
        (serverMs, offset) => {
          const at = new Date(serverMs).toISOString();
          const deviceAt = new Date(serverMs + offset).toISOString();
          expect(deviceTimeOffsetMs(at, deviceAt)).toBe(Math.abs(offset) > DEVICE_TIME_TOLERANCE_MS ? offset : null);
        },
      ),
    );
    expect(deviceTimeOffsetMs('2026-05-26T02:30:00.000Z', null)).toBeNull();
    expect(deviceTimeOffsetMs('2026-05-26T02:30:00.000Z', new Date(Date.parse('2026-05-26T02:30:00.000Z') + DEVICE_TIME_TOLERANCE_MS).toISOString())).toBeNull();
  });
});
