import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { scopeCondition } from '../auth/scope.js';
import { shanghaiDate } from '../calendar/office-hours.js';
import { versionInEffect } from '../services-catalogue/versions.js';
import type { Clock } from '../shared/clock.js';
import KDBush from 'kdbush';
import { type LatLng, distanceMetres } from '../geo/haversine.js';
import { invalidField } from '../shared/errors.js';

/** Shanghai's 15-minute life circle: a 15-minute walk, 800–1,000 m in the main city. */
export const DEFAULT_LIFE_CIRCLE_M = 1000;
export const MAX_LIFE_CIRCLE_M = 5000;
/** The uncovered sites a report lists by name (the counts cover them all). */
const MAX_UNCOVERED_LISTED = 5000;

/**
 * Metres per degree of latitude for the index cells and the SQL box, rounded down from haversine.ts's
 * 111,195 (as the k-d tree's box below): a degree taken shorter makes cells and box a little wider,
 * so a point just inside the radius is never left outside them.
 */
const M_PER_DEG_LAT = 111_000;

/**
 * Where the points offering the item are, for the two questions the report asks:
 *  - is any point within r of this site? — points bucketed into cells one radius wide, so a site
 *    looks at the 3×5 cells around it and stops at the first point close enough (tens of
 *    thousands of sites; where the network is dense the first point it looks at usually answers);
 *  - how far is the nearest point (a committee's centre)? — a static k-d tree (kdbush) asked for
 *    the points in a box around the centre, the box growing from r/32 to r until it holds a point
 *    within its own half-width: that point is the nearest (looking at every point within r took
 *    seconds for a city's committees where the network is dense).
 * Distances are ours (haversine.ts) in both, so a point exactly at the radius counts the same here
 * as everywhere else in closeloop.
 */
const NEIGHBOURS: [number, number][] = [[0, 0], ...[-1, 0, 1].flatMap((di) => [-2, -1, 0, 1, 2].map((dj): [number, number] => [di, dj])).filter(([di, dj]) => di || dj)];

class PointIndex {
  private cells = new Map<number, LatLng[]>();
  private dLat: number;
  private dLng: number;
  private tree: KDBush | null = null;
  constructor(private points: LatLng[], private radius: number, refLat: number) {
    this.dLat = radius / M_PER_DEG_LAT;
    this.dLng = radius / (M_PER_DEG_LAT * Math.cos((refLat * Math.PI) / 180));
    for (const p of points) {
      const k = this.key(Math.floor(p.lat / this.dLat), Math.floor(p.lng / this.dLng));
      const cell = this.cells.get(k);
      if (cell) cell.push(p);
      else this.cells.set(k, [p]);
    }
    if (!points.length) return;
    this.tree = new KDBush(points.length);
    for (const p of points) this.tree.add(p.lng, p.lat);
    this.tree.finish();
  }
  /** A cell's number (|j| stays far below 10⁶ for any radius allowed). */
  private key(i: number, j: number) {
    return i * 1_000_000 + j;
  }
  /** Whether some point lies within the radius. */
  anyWithin(q: LatLng): boolean {
    const i0 = Math.floor(q.lat / this.dLat);
    const j0 = Math.floor(q.lng / this.dLng);
    // The site's own cell first (the likeliest to answer), then the others around it. Longitude
    // cells shrink away from refLat: two cells either side stay safe across a city.
    for (const [di, dj] of NEIGHBOURS) {
      const cell = this.cells.get(this.key(i0 + di, j0 + dj));
      if (cell) for (const p of cell) if (distanceMetres(q, p) <= this.radius) return true;
    }
    return false;
  }
  /** Distance to the nearest point, or null when none is within the radius. */
  nearestWithin(q: LatLng): number | null {
    if (!this.tree) return null;
    for (let reach = this.radius / 32; ; reach = Math.min(this.radius, reach * 2)) {
      // A box that holds every point within `reach` (metres per degree of latitude rounded down,
      // longitude degrees widened at the box's edge nearer the pole).
      const dLat = reach / 111_000;
      const dLng = dLat / Math.cos((Math.min(89, Math.abs(q.lat) + dLat) * Math.PI) / 180);
      let best = Infinity;
      for (const id of this.tree.range(q.lng - dLng, q.lat - dLat, q.lng + dLng, q.lat + dLat)) best = Math.min(best, distanceMetres(q, this.points[id]!));
      // Any point nearer than `best` would be within `reach`, so inside the box: `best` is the nearest.
      if (best <= reach) return best;
      if (reach >= this.radius) return null;
    }
  }
}

/**
 * Whether an item is 全市通办 (any centre in the city accepts it), as its guide version in effect
 * today says — or, before its first version starts, as that version will say. An item without
 * the flag is handled only by the points of the resident's own subdistrict.
 */
async function isCitywide(db: Db, clock: Clock, itemId: string): Promise<boolean> {
  const current = await versionInEffect(db, itemId, shanghaiDate(clock.now()));
  if (current) return current.citywide === 1;
  const first = await db
    .selectFrom('service_item_versions')
    .select('citywide')
    .where('item_id', '=', itemId)
    .orderBy('effective_from')
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return first?.citywide === 1;
}

/**
 * The 15-minute life-circle report for one item: residential sites (bin rooms of the residential
 * compounds) and committees (at the centre of their residential sites) farther than `distanceM`
 * in a straight line from every built, open point offering the item.
 *
 * Which points count depends on the item's 全市通办 flag (its version in effect today):
 *  - 全市通办: any point counts, those of neighbouring subdistricts included — any centre in the
 *    city accepts the item, and a resident walks across the boundary;
 *  - not 全市通办: only the points of the site's (the committee's) own subdistrict count, since
 *    only they accept the item from its residents. Each subdistrict gets its own index, and
 *    `points` lists only the points of the subdistricts whose sites are in the report.
 */
export async function lifeCircle(db: Db, clock: Clock, actor: Actor, opts: { itemId: string; distanceM?: number; subdistrictId?: string }) {
  assertCan(actor, 'services.read');
  const distanceM = opts.distanceM ?? DEFAULT_LIFE_CIRCLE_M;
  if (!(distanceM >= 100 && distanceM <= MAX_LIFE_CIRCLE_M)) throw invalidField('distanceM', `must be between 100 and ${MAX_LIFE_CIRCLE_M}`);
  const item = await db.selectFrom('service_items').select('id').where('id', '=', opts.itemId).executeTakeFirst();
  if (!item) throw invalidField('itemId', 'unknown item');
  const citywide = await isCitywide(db, clock, opts.itemId);

  let sq = db
    .selectFrom('sites')
    .select(['id', 'subdistrict_id', 'committee_id', 'lng', 'lat'])
    .where('kind', '=', 'bin_room')
    .where('status', '=', 'active')
    .where(scopeCondition(actor, 'sites.subdistrict_id', 'sites.committee_id'));
  if (opts.subdistrictId) sq = sq.where('subdistrict_id', '=', opts.subdistrictId);
  const sites = await sq.execute();
  if (!sites.length) return { itemId: opts.itemId, distanceM, citywide, points: [], sites: { total: 0, covered: 0, share: null }, committees: [], uncoveredSites: [] };

  // The sites' bounding box, padded by the distance (a loop: spreading a city's sites as arguments overflows the stack).
  const box = { minLat: Infinity, maxLat: -Infinity, minLng: Infinity, maxLng: -Infinity };
  for (const s of sites) {
    box.minLat = Math.min(box.minLat, s.lat);
    box.maxLat = Math.max(box.maxLat, s.lat);
    box.minLng = Math.min(box.minLng, s.lng);
    box.maxLng = Math.max(box.maxLng, s.lng);
  }
  const pad = distanceM / M_PER_DEG_LAT;
  const padLng = distanceM / (M_PER_DEG_LAT * Math.cos((Math.max(Math.abs(box.minLat), Math.abs(box.maxLat)) * Math.PI) / 180));
  const inBox = await db
    .selectFrom('service_points')
    .innerJoin('service_point_items', 'service_point_items.point_id', 'service_points.id')
    .select(['service_points.id', 'service_points.subdistrict_id', 'service_points.name', 'service_points.kind', 'service_points.lng', 'service_points.lat'])
    .where('service_point_items.item_id', '=', opts.itemId)
    .where('service_points.status', '=', 'built')
    .where('service_points.lat', '>=', box.minLat - pad)
    .where('service_points.lat', '<=', box.maxLat + pad)
    .where('service_points.lng', '>=', box.minLng - padLng)
    .where('service_points.lng', '<=', box.maxLng + padLng)
    .execute();
  const refLat = (box.minLat + box.maxLat) / 2;
  // One index for the city, or one per subdistrict (each site asks only its own: the same cost).
  let points = inBox;
  let indexOf: (subdistrictId: string) => PointIndex | undefined;
  if (citywide) {
    const all = new PointIndex(points, distanceM, refLat);
    indexOf = () => all;
  } else {
    const reported = new Set(sites.map((s) => s.subdistrict_id));
    points = inBox.filter((p) => reported.has(p.subdistrict_id));
    const bySubdistrict = new Map<string, LatLng[]>();
    for (const p of points) {
      const list = bySubdistrict.get(p.subdistrict_id);
      if (list) list.push(p);
      else bySubdistrict.set(p.subdistrict_id, [p]);
    }
    const indexes = new Map([...bySubdistrict].map(([id, list]) => [id, new PointIndex(list, distanceM, refLat)]));
    indexOf = (id) => indexes.get(id);
  }

  const committees = new Map<string, { id: string; subdistrictId: string; sites: number; covered: number; sumLng: number; sumLat: number }>();
  const uncovered: typeof sites = [];
  let covered = 0;
  for (const s of sites) {
    const c = committees.get(s.committee_id) ?? { id: s.committee_id, subdistrictId: s.subdistrict_id, sites: 0, covered: 0, sumLng: 0, sumLat: 0 };
    committees.set(s.committee_id, c);
    c.sites++;
    c.sumLng += s.lng;
    c.sumLat += s.lat;
    if (indexOf(s.subdistrict_id)?.anyWithin(s)) {
      covered++;
      c.covered++;
    } else {
      uncovered.push(s);
    }
  }
  // Names only for what the report lists (the positions come from an index without the table).
  const listed = uncovered.slice(0, MAX_UNCOVERED_LISTED);
  const siteNames = new Map<string, string>();
  for (let i = 0; i < listed.length; i += 1000) {
    const ids = listed.slice(i, i + 1000).map((s) => s.id);
    for (const r of await db.selectFrom('sites').select(['id', 'name']).where('id', 'in', ids).execute()) siteNames.set(r.id, r.name);
  }
  const committeeRecords = new Map(
    (await db.selectFrom('committees').select(['id', 'subdistrict_id', 'name']).where('id', 'in', [...committees.keys()]).execute()).map((c) => [c.id, c]),
  );
  // One collator for the sort (String#localeCompare builds one per call: seconds for a city's committees).
  const byName = new Intl.Collator();
  const committeeRows = [...committees.values()]
    .map((c) => {
      const centre = { lng: c.sumLng / c.sites, lat: c.sumLat / c.sites };
      const record = committeeRecords.get(c.id);
      const nearest = indexOf(record?.subdistrict_id ?? c.subdistrictId)?.nearestWithin(centre) ?? null;
      return {
        id: c.id, name: record?.name ?? '', sites: c.sites, coveredSites: c.covered, lng: centre.lng, lat: centre.lat,
        nearestM: nearest === null ? null : Math.round(nearest), covered: nearest !== null,
      };
    })
    .sort((a, b) => Number(a.covered) - Number(b.covered) || byName.compare(a.name, b.name));
  return {
    itemId: opts.itemId,
    distanceM,
    citywide,
    points: points.map((p) => ({ id: p.id, name: p.name, kind: p.kind, lng: p.lng, lat: p.lat })),
    sites: { total: sites.length, covered, share: covered / sites.length },
    committees: committeeRows,
    uncoveredSites: listed.map((s) => ({ id: s.id, name: siteNames.get(s.id) ?? '', committeeId: s.committee_id, lng: s.lng, lat: s.lat })),
  };
}
