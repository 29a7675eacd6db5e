import { describe, expect, it } from 'vitest';
import { distanceMeters } from '../../web/src/shared/geo/distance.js';
import { gcj02ToWgs84, outOfChina, wgs84ToGcj02 } from '../../web/src/shared/geo/gcj02.js';

// Published reference pairs (googollee/eviltransform test vectors): WGS-84 → GCJ-02.
const REFERENCE = [
  { place: 'Shanghai', wgs: { lat: 31.1774276, lng: 121.5272106 }, gcj: { lat: 31.17530398364597, lng: 121.531541859215 } },
  { place: 'Shenzhen', wgs: { lat: 22.543847, lng: 113.912316 }, gcj: { lat: 22.540796131694766, lng: 113.9171764808363 } },
  { place: 'Beijing', wgs: { lat: 39.911954, lng: 116.377817 }, gcj: { lat: 39.91334545536069, lng: 116.38404722455657 } },
];

describe('WGS-84 ↔ GCJ-02', () => {
  for (const r of REFERENCE) {
    it(`matches the published pair for ${r.place}`, () => {
      const gcj = wgs84ToGcj02(r.wgs);
      expect(gcj.lat).toBeCloseTo(r.gcj.lat, 9);
      expect(gcj.lng).toBeCloseTo(r.gcj.lng, 9);
      // GCJ-02 really is offset there: hundreds of metres, which is why the conversion matters.
      expect(distanceMeters(r.wgs, gcj)).toBeGreaterThan(100);
    });

    it(`converts ${r.place} back to WGS-84 within 1 m`, () => {
      expect(distanceMeters(gcj02ToWgs84(r.gcj), r.wgs)).toBeLessThan(1);
    });
  }

  it('round-trips every point of a grid over Hongqiao within a centimetre', () => {
    for (let lng = 121.39; lng <= 121.43; lng += 0.005) {
      for (let lat = 31.19; lat <= 31.22; lat += 0.005) {
        const back = gcj02ToWgs84(wgs84ToGcj02({ lng, lat }));
        expect(distanceMeters(back, { lng, lat })).toBeLessThan(0.01);
      }
    }
  });

  it('leaves positions outside China unchanged', () => {
    const london = { lng: -0.1276, lat: 51.5072 };
    const tokyo = { lng: 139.6917, lat: 35.6895 };
    expect(outOfChina(london.lng, london.lat)).toBe(true);
    expect(wgs84ToGcj02(london)).toEqual(london);
    expect(gcj02ToWgs84(tokyo)).toEqual(tokyo);
    expect(outOfChina(121.4, 31.2)).toBe(false);
  });
});

describe('distanceMeters', () => {
  it('measures one degree of latitude as about 111.2 km', () => {
    expect(distanceMeters({ lng: 121, lat: 31 }, { lng: 121, lat: 32 })).toBeCloseTo(111_195, -1);
  });
});
