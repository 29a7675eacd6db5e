import { describe, expect, it } from 'vitest';
import { judgePosition } from '../../src/domain/checkins/geofence.js';
import { distanceMetres, offsetMetres } from '../../src/domain/geo/haversine.js';

const site = { lat: 31.2001, lng: 121.4215 };
const s = { radiusM: 50, maxAccuracyM: 100 };

describe('geofence rule', () => {
  it('haversine matches a known distance (1 arc-minute of latitude ≈ 1853 m)', () => {
    expect(distanceMetres({ lat: 31, lng: 121 }, { lat: 31 + 1 / 60, lng: 121 })).toBeCloseTo(1853.2, 0);
    expect(distanceMetres(site, offsetMetres(site, 123.4, 77))).toBeCloseTo(123.4, 3);
  });

  it('accepts a position inside the fence', () => {
    expect(judgePosition(site, { ...offsetMetres(site, 30, 10), accuracyM: 5 }, s)).toMatchObject({ accepted: true });
  });

  it('accepts an accuracy circle that straddles the fence', () => {
    // centre 70 m out, 30 m accuracy: the circle reaches 40 m from the bin room
    const v = judgePosition(site, { ...offsetMetres(site, 70, 200), accuracyM: 30 }, s);
    expect(v.accepted).toBe(true);
    expect(v.distanceM).toBeCloseTo(70, 1);
  });

  it('accepts exactly on the fence and refuses a centimetre beyond', () => {
    for (const bearing of [0, 45, 90, 135, 180, 270]) {
      expect(judgePosition(site, { ...offsetMetres(site, 80, bearing), accuracyM: 30 }, s).accepted).toBe(true);
      expect(judgePosition(site, { ...offsetMetres(site, 80.02, bearing), accuracyM: 30 }, s)).toMatchObject({ accepted: false, reason: 'outside_fence' });
    }
    expect(judgePosition(site, { ...offsetMetres(site, 50, 0), accuracyM: 0.1 }, s).accepted).toBe(true);
  });

  it('refuses a circle entirely outside the fence', () => {
    expect(judgePosition(site, { ...offsetMetres(site, 120, 0), accuracyM: 20 }, s)).toMatchObject({ accepted: false, reason: 'outside_fence' });
  });

  it('refuses an accuracy too poor to prove anything, even when centred on the bin room', () => {
    expect(judgePosition(site, { ...site, accuracyM: 100 }, s).accepted).toBe(true);
    expect(judgePosition(site, { ...site, accuracyM: 100.5 }, s)).toMatchObject({ accepted: false, reason: 'accuracy_too_poor' });
  });
});
