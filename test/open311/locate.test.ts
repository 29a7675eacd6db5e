import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { distanceM } from '../../src/domain/cases/duplicates.js';
import { nearest, type SiteRow } from '../../src/domain/open311/locate.js';

describe('Open311 location: nearest site', () => {
  it('the grid look-up finds the same distance as comparing every site, near and far from the sites', () => {
    const coord = (lo: number, hi: number) => fc.integer({ min: Math.round(lo * 1e5), max: Math.round(hi * 1e5) }).map((x) => x / 1e5);
    // Sites spread over a subdistrict around Shanghai; points inside, at the edges and far away.
    const site = fc.record({ lng: coord(121.38, 121.44), lat: coord(31.18, 31.23) });
    fc.assert(
      fc.property(fc.array(site, { minLength: 1, maxLength: 60 }), fc.record({ lng: coord(121.3, 121.5), lat: coord(31.1, 31.3) }), (pts, p) => {
        const sites: SiteRow[] = pts.map((s, i) => ({ id: `s${i}`, committee_id: 'c', kind: 'bin_room', name: `n${i}`, address: '', ...s }));
        const brute = Math.min(...sites.map((s) => distanceM(p.lng, p.lat, s.lng, s.lat)));
        expect(nearest(sites, p.lng, p.lat)!.d).toBe(brute);
      }),
      { numRuns: 500 },
    );
  });
});
