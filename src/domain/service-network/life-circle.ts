import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { scopeCondition } from '../auth/scope.js';
import { type LatLng, distanceMetres } from '../geo/haversine.js';
import { invalidField } from '../shared/errors.js';

/** Shanghai's 15-minute life circle: a 15-minute walk, 800–1,000 m in the main city. */
export const DEFAULT_LIFE_CIRCLE_M = 1000;
export const MAX_LIFE_CIRCLE_M = 5000;

const M_PER_DEG_LAT = 111_320;

/**
 * Buckets points into cells one radius wide, so "is any point within r?" looks at 3×3 cells
 * instead of every point (a city has tens of thousands of residential sites and thousands of points).
 */
class RadiusIndex {
  private cells = new Map<string, LatLng[]>();
  private dLat: number;
  private dLng: number;
  constructor(points: LatLng[], private radius: number, refLat: number) {
    this.dLat = radius / M_PER_DEG_LAT;
    this.dLng = radius / (M_PER_DEG_LAT * Math.cos((refLat * Math.PI) / 180));
    for (const p of points) {
      const k = this.key(Math.floor(p.lat / this.dLat), Math.floor(p.lng / this.dLng));
      const cell = this.cells.get(k);
      if (cell) cell.push(p);
      else this.cells.set(k, [p]);
    }
  }
  private key(i: number, j: number) {
    return `${i}:${j}`;
  }
  /** Distance to the nearest point within the radius, or null when none is that close. */
  nearestWithin(q: LatLng): number | null {
    const i0 = Math.floor(q.lat / this.dLat);
    const j0 = Math.floor(q.lng / this.dLng);
    let best: number | null = null;
    // Longitude cells shrink away from refLat: two cells either side stay safe across a city.
    for (let i = i0 - 1; i <= i0 + 1; i++) {
      for (let j = j0 - 2; j <= j0 + 2; j++) {
        for (const p of this.cells.get(this.key(i, j)) ?? []) {
          const d = distanceMetres(q, p);
          if (d <= this.radius && (best === null || d < best)) best = d;
        }
      }
    }
    return best;
  }
}

/**
 * The 15-minute life-circle report for one item: residential sites (bin rooms of the residential
 * compounds) and committees (at the centre of their residential sites) farther than `distanceM`
 * in a straight line from every built, open point offering the item. Points of neighbouring
 * subdistricts count: a resident walks across the boundary.
 */
export async function lifeCircle(db: Db, actor: Actor, opts: { itemId: string; distanceM?: number; subdistrictId?: string }) {
  assertCan(actor, 'services.read');
  const distanceM = opts.distanceM ?? DEFAULT_LIFE_CIRCLE_M;
  if (!(distanceM >= 100 && distanceM <= MAX_LIFE_CIRCLE_M)) throw invalidField('distanceM', `must be between 100 and ${MAX_LIFE_CIRCLE_M}`);
  const item = await db.selectFrom('service_items').select('id').where('id', '=', opts.itemId).executeTakeFirst();
  if (!item) throw invalidField('itemId', 'unknown item');

  let sq = db
    .selectFrom('sites')
    .select(['id', 'name', 'committee_id', 'subdistrict_id', 'lng', 'lat'])
    .where('kind', '=', 'bin_room')
    .where('status', '=', 'active')
    .where(scopeCondition(actor, 'sites.subdistrict_id', 'sites.committee_id'));
  if (opts.subdistrictId) sq = sq.where('subdistrict_id', '=', opts.subdistrictId);
  const sites = await sq.execute();
  if (!sites.length) return { itemId: opts.itemId, distanceM, points: [], sites: { total: 0, covered: 0, share: null }, committees: [], uncoveredSites: [] };

  const lats = sites.map((s) => s.lat);
  const lngs = sites.map((s) => s.lng);
  const pad = distanceM / M_PER_DEG_LAT;
  const padLng = distanceM / (M_PER_DEG_LAT * Math.cos((Math.max(...lats.map(Math.abs)) * Math.PI) / 180));
  const points = await db
    .selectFrom('service_points')
    .innerJoin('service_point_items', 'service_point_items.point_id', 'service_points.id')
    .select(['service_points.id', 'service_points.name', 'service_points.kind', 'service_points.lng', 'service_points.lat'])
    .where('service_point_items.item_id', '=', opts.itemId)
    .where('service_points.status', '=', 'built')
    .where('service_points.lat', '>=', Math.min(...lats) - pad)
    .where('service_points.lat', '<=', Math.max(...lats) + pad)
    .where('service_points.lng', '>=', Math.min(...lngs) - padLng)
    .where('service_points.lng', '<=', Math.max(...lngs) + padLng)
    .execute();
  const index = new RadiusIndex(points, distanceM, lats[0] as number);

  const committees = new Map<string, { id: string; sites: number; covered: number; sumLng: number; sumLat: number }>();
  const uncoveredSites: { id: string; name: string; committeeId: string; lng: number; lat: number }[] = [];
  let covered = 0;
  for (const s of sites) {
    const c = committees.get(s.committee_id) ?? { id: s.committee_id, sites: 0, covered: 0, sumLng: 0, sumLat: 0 };
    committees.set(s.committee_id, c);
    c.sites++;
    c.sumLng += s.lng;
    c.sumLat += s.lat;
    if (index.nearestWithin(s) !== null) {
      covered++;
      c.covered++;
    } else {
      uncoveredSites.push({ id: s.id, name: s.name, committeeId: s.committee_id, lng: s.lng, lat: s.lat });
    }
  }
  const names = new Map(
    (await db.selectFrom('committees').select(['id', 'name']).where('id', 'in', [...committees.keys()]).execute()).map((c) => [c.id, c.name]),
  );
  const committeeRows = [...committees.values()]
    .map((c) => {
      const centre = { lng: c.sumLng / c.sites, lat: c.sumLat / c.sites };
      const nearest = index.nearestWithin(centre);
      return {
        id: c.id, name: names.get(c.id) ?? '', sites: c.sites, coveredSites: c.covered, lng: centre.lng, lat: centre.lat,
        nearestM: nearest === null ? null : Math.round(nearest), covered: nearest !== null,
      };
    })
    .sort((a, b) => Number(a.covered) - Number(b.covered) || a.name.localeCompare(b.name));
  return {
    itemId: opts.itemId,
    distanceM,
    points: points.map((p) => ({ id: p.id, name: p.name, kind: p.kind, lng: p.lng, lat: p.lat })),
    sites: { total: sites.length, covered, share: covered / sites.length },
    committees: committeeRows,
    uncoveredSites: uncoveredSites.slice(0, 5000),
  };
}
