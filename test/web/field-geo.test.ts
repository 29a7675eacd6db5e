import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { judgePosition } from '../../src/domain/checkins/geofence.js';
import { offsetMetres } from '../../src/domain/geo/haversine.js';
import { checkinVerdict } from '../../web/src/field/patrol/checkin-verdict.js';
import { bd09ToGcj02, bd09ToWgs84, gcj02ToBd09, wgs84ToBd09 } from '../../web/src/shared/geo/bd09.js';
import { distanceMeters } from '../../web/src/shared/geo/distance.js';
import { distanceParts, formatDistance, NBSP } from '../../web/src/shared/geo/format-distance.js';
import { wgs84ToGcj02 } from '../../web/src/shared/geo/gcj02.js';
import { navigationLinks } from '../../web/src/shared/geo/nav-links.js';

/** Anywhere in mainland China's box, where both offsets apply. */
const inChina = fc.record({
  lng: fc.double({ min: 73.5, max: 134.7, noNaN: true }),
  lat: fc.double({ min: 18.2, max: 53.5, noNaN: true }),
});

describe('GCJ-02 ↔ BD-09', () => {
  // Published pair (wandergis/coordtransform README): GCJ-02 (116.404, 39.915) → BD-09.
  it('matches the published forward pair', () => {
    const bd = gcj02ToBd09({ lng: 116.404, lat: 39.915 });
    expect(bd.lng).toBeCloseTo(116.41036949371029, 9);
    expect(bd.lat).toBeCloseTo(39.92133699351021, 9);
  });

  it('agrees with the published closed-form inverse to a few centimetres', () => {
    const gcj = bd09ToGcj02({ lng: 116.404, lat: 39.915 });
    expect(distanceMeters(gcj, { lng: 116.39762729119315, lat: 39.90865673957631 })).toBeLessThan(0.1);
  });

  it('BD-09 → GCJ-02 → BD-09 and WGS-84 → BD-09 → WGS-84 round-trip within a centimetre anywhere in China', () => {
    fc.assert(
      fc.property(inChina, (p) => {
        expect(distanceMeters(gcj02ToBd09(bd09ToGcj02(p)), p)).toBeLessThan(0.01);
        expect(distanceMeters(bd09ToWgs84(wgs84ToBd09(p)), p)).toBeLessThan(0.01);
      }),
      { numRuns: 500 },
    );
  });

  it('BD-09 really is offset from GCJ-02 (hundreds of metres), so the Baidu link must convert', () => {
    fc.assert(
      fc.property(inChina, (p) => {
        expect(distanceMeters(gcj02ToBd09(p), p)).toBeGreaterThan(300);
      }),
    );
  });
});

describe('navigate there', () => {
  const shop = { lng: 121.40312, lat: 31.20045 };
  const links = navigationLinks(shop, '老王理发店');
  const param = (url: string, name: string) => new URL(url.replace(/^(\w+):\/\//, 'https://$1/')).searchParams.get(name);

  it('gives 高德 the GCJ-02 position (dev=0: do not shift again), walking', () => {
    const gcj = wgs84ToGcj02(shop);
    expect(links.amapApp.startsWith('amapuri://route/plan/?')).toBe(true);
    expect(Number(param(links.amapApp, 'dlat'))).toBeCloseTo(gcj.lat, 6);
    expect(Number(param(links.amapApp, 'dlon'))).toBeCloseTo(gcj.lng, 6);
    expect(param(links.amapApp, 'dev')).toBe('0');
    expect(param(links.amapApp, 't')).toBe('2');
    expect(param(links.amapApp, 'dname')).toBe('老王理发店');
    const [lng, lat, name] = param(links.amapWeb, 'to')!.split(',');
    expect([Number(lng), Number(lat), name]).toEqual([Number(gcj.lng.toFixed(6)), Number(gcj.lat.toFixed(6)), '老王理发店']);
    expect(param(links.amapWeb, 'coordinate')).toBe('gaode');
  });

  it('gives 百度 the BD-09 position with coord_type=bd09ll, and the converted point lands back on the shop', () => {
    const bd = wgs84ToBd09(shop);
    expect(links.baiduApp.startsWith('baidumap://map/direction?')).toBe(true);
    expect(param(links.baiduApp, 'coord_type')).toBe('bd09ll');
    const dest = param(links.baiduApp, 'destination')!;
    const [lat, lng] = dest.split('|latlng:')[1]!.split(',').map(Number) as [number, number];
    expect(lat).toBeCloseTo(bd.lat, 6);
    expect(lng).toBeCloseTo(bd.lng, 6);
    expect(distanceMeters(bd09ToWgs84({ lng, lat }), shop)).toBeLessThan(0.5);
    expect(param(links.baiduWeb, 'location')).toBe(`${bd.lat.toFixed(6)},${bd.lng.toFixed(6)}`);
  });
});

describe('distances in one unit and format', () => {
  it('says 米 / 公里 in Chinese and m / km in English, joined by a no-break space', () => {
    expect(formatDistance(0, 'zh')).toBe(`0${NBSP}米`);
    expect(formatDistance(53.4, 'zh')).toBe(`53${NBSP}米`);
    expect(formatDistance(53.4, 'en')).toBe(`53${NBSP}m`);
    expect(formatDistance(1234, 'zh')).toBe(`1.2${NBSP}公里`);
    expect(formatDistance(1234, 'en')).toBe(`1.2${NBSP}km`);
    expect(formatDistance(999.6, 'zh')).toBe(`1.0${NBSP}公里`); // never "1000 米"
    expect(formatDistance(23_456, 'en')).toBe(`23${NBSP}km`);
  });

  it('is metres below a kilometre and never loses more than half the last digit shown', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 200_000, noNaN: true }), (m) => {
        const { value, unit } = distanceParts(m);
        const shown = Number(value) * (unit === 'km' ? 1000 : 1);
        const step = unit === 'm' ? 1 : value.includes('.') ? 100 : 1000;
        expect(Math.abs(shown - m)).toBeLessThanOrEqual(step / 2 + 1e-6);
        expect(unit === 'm').toBe(Math.round(m) < 1000);
        expect(formatDistance(m, 'zh')).not.toMatch(/[ \t\n]/);
      }),
    );
  });
});

describe('the phone says whether a check-in will count', () => {
  const room = { lng: 121.4123, lat: 31.2034 };
  const fence = { geofenceM: 50, maxAccuracyM: 100 };

  it('agrees with the server’s geofence rule for any position and accuracy', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 400, noNaN: true }), fc.double({ min: 0, max: 360, noNaN: true }), fc.integer({ min: 1, max: 200 }), (d, bearing, acc) => {
        const p = offsetMetres(room, d, bearing);
        const web = checkinVerdict(room, { ...p, accuracyM: acc }, fence);
        const server = judgePosition(room, { ...p, accuracyM: acc }, { radiusM: fence.geofenceM, maxAccuracyM: fence.maxAccuracyM });
        expect(web.counts).toBe(server.accepted);
        if (!web.counts && !server.accepted) expect(web.reason).toBe(server.reason);
      }),
      { numRuns: 1000 },
    );
  });

  it('counts on either side of the fence as the rule says', () => {
    const at = (m: number, acc: number) => checkinVerdict(room, { ...offsetMetres(room, m, 90), accuracyM: acc }, fence);
    expect(at(0, 5).counts).toBe(true);
    expect(at(54, 5).counts).toBe(true);
    expect(at(56, 5)).toMatchObject({ counts: false, reason: 'outside_fence' });
    expect(at(0, 150)).toMatchObject({ counts: false, reason: 'accuracy_too_poor' });
  });
});
