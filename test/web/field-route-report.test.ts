import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { offsetMetres } from '../../src/domain/geo/haversine.js';
import { categoriesFor, type Leaf, nearestWithin } from '../../web/src/field/cases/report-defaults.js';
import { routeOrder } from '../../web/src/field/patrol/route-order.js';
import type { CategoryNode } from '../../web/src/shared/cases.js';
import { distanceMeters } from '../../web/src/shared/geo/distance.js';
import type { Marker } from '../../web/src/shared/types.js';

const here = { lng: 121.41, lat: 31.204 };
const stopsArb = fc.array(
  fc.record({ d: fc.double({ min: 0, max: 3000, noNaN: true }), b: fc.double({ min: 0, max: 360, noNaN: true }) }).map(({ d, b }, ) => offsetMetres(here, d, b)),
  { maxLength: 40 },
).map((ps) => ps.map((p, i) => ({ ...p, id: `s${i}` })));

describe("today's route order", () => {
  it('visits every stop once, starts at the nearest and always goes on to the nearest stop not yet visited', () => {
    fc.assert(
      fc.property(stopsArb, (stops) => {
        const route = routeOrder(stops, here);
        expect(route.map((s) => s.id).sort()).toEqual(stops.map((s) => s.id).sort());
        let at: { lng: number; lat: number } = here;
        for (let i = 0; i < route.length; i++) {
          const d = distanceMeters(at, route[i]!);
          for (const other of route.slice(i)) expect(d).toBeLessThanOrEqual(distanceMeters(at, other) + 1e-9);
          at = route[i]!;
        }
      }),
    );
  });

  it("keeps the server's order without a position", () => {
    const stops = [offsetMetres(here, 900, 0), offsetMetres(here, 10, 0)];
    expect(routeOrder(stops, null)).toEqual(stops);
    expect(routeOrder(stops, here)).toEqual([stops[1], stops[0]]);
  });
});

describe('report defaults', () => {
  const marker = (id: string, metres: number, kind: Marker['kind'] = 'shop', status: Marker['status'] = 'active'): Marker => ({
    id, kind, status, name: id, committeeId: 'c', ...offsetMetres(here, metres, 45),
  });

  it('preselects the nearest active site only when it is within the radius', () => {
    const shop = marker('shop', 0);
    expect(nearestWithin([marker('far', 300), shop, marker('near', 20)], here, 50)?.id).toBe('shop');
    expect(nearestWithin([marker('retired', 0, 'shop', 'retired'), marker('near', 20)], here, 50)?.id).toBe('near');
    expect(nearestWithin([marker('far', 60)], here, 50)).toBeNull();
    expect(nearestWithin([shop], null, 50)).toBeNull();
  });

  const leaf = (id: string, siteKinds: string[]): Leaf => ({
    node: { id, parentId: 'p', level: 'standard', code: id, nameZh: id, nameEn: id, active: true, siteKinds, children: [] } as CategoryNode,
    path: [],
  });
  const leaves = [leaf('A0101', ['bin_room']), leaf('B0101', ['shop']), leaf('B0302', ['shop']), leaf('X', []), leaf('C0101', ['institution'])];

  it("offers only the site kind's categories (and those for every kind), most used first", () => {
    expect(categoriesFor(leaves, 'shop', {}).map((l) => l.node.id)).toEqual(['B0101', 'B0302', 'X']);
    expect(categoriesFor(leaves, 'shop', { B0302: 3, A0101: 9 }).map((l) => l.node.id)).toEqual(['B0302', 'B0101', 'X']);
    expect(categoriesFor(leaves, null, {}).map((l) => l.node.id)).toEqual(leaves.map((l) => l.node.id));
  });
});
