import type { Db } from '../../db/index.js';
import { distanceM } from '../cases/duplicates.js';
import { DomainError } from '../shared/errors.js';
import { versionOf } from './versions.js';
import { refused } from './refusal.js';

/**
 * Where an Open311 request is: a point (lat/long, WGS-84), a closeloop site (address_id), or
 * free text (address_string). The committee of the nearest site files it; a point far outside
 * every site of the jurisdiction is refused rather than filed into the wrong subdistrict.
 */
export interface Place {
  lng: number;
  lat: number;
  committeeId: string;
  siteId: string | null;
  siteKind: string | null;
}

export interface SiteRow {
  id: string;
  committee_id: string;
  kind: string;
  name: string;
  address: string;
  lng: number;
  lat: number;
}

/** How far outside its sites a point still belongs to a jurisdiction. */
export const JURISDICTION_MARGIN_M = 1500;
const cache = new WeakMap<object, Map<string, { version: string; sites: SiteRow[] }>>();

/** Sites bucketed by a grid of CELL degrees, so the nearest one is found among a few cells. */
const CELL = 0.005;
const grids = new WeakMap<SiteRow[], Map<string, SiteRow[]>>();
const cellOf = (lng: number, lat: number) => `${Math.floor(lng / CELL)}:${Math.floor(lat / CELL)}`;

function gridOf(sites: SiteRow[]): Map<string, SiteRow[]> {
  let g = grids.get(sites);
  if (!g) {
    g = new Map();
    for (const s of sites) {
      const k = cellOf(s.lng, s.lat);
      const cell = g.get(k);
      if (cell) cell.push(s);
      else g.set(k, [s]);
    }
    grids.set(sites, g);
  }
  return g;
}

/**
 * The active sites of a subdistrict, kept in memory while the subdistrict's change counter stays
 * where it was (intake runs hundreds of times a second). Every change of a site's existence, place,
 * name or status moves the counter in its own transaction (`bumpVersions`), so a site added,
 * moved or retired through any instance is seen by the next report on every instance; checking the
 * counter is one indexed read. Keyed on the database's adapter, which its transactions share (each
 * transaction is a new Db object, so keying on the Db itself never hit inside one).
 */
async function sitesOf(db: Db, subdistrictId: string): Promise<SiteRow[]> {
  const dbKey = db.getExecutor().adapter;
  let perDb = cache.get(dbKey);
  if (!perDb) cache.set(dbKey, (perDb = new Map()));
  const version = await versionOf(db, subdistrictId);
  const hit = perDb.get(subdistrictId);
  if (hit && hit.version === version) return hit.sites;
  const rows = await db
    .selectFrom('sites')
    .select(['id', 'committee_id', 'kind', 'name', 'address', 'lng', 'lat'])
    .where('subdistrict_id', '=', subdistrictId)
    .where('status', '=', 'active')
    .execute();
  const sites = rows.map((r) => ({ ...r, lng: Number(r.lng), lat: Number(r.lat) }));
  perDb.set(subdistrictId, { version, sites });
  return sites;
}

function nearestOf(sites: Iterable<SiteRow>, lng: number, lat: number): { site: SiteRow; d: number } | null {
  let best: { site: SiteRow; d: number } | null = null;
  for (const s of sites) {
    const d = distanceM(lng, lat, s.lng, s.lat);
    if (!best || d < best.d) best = { site: s, d };
  }
  return best;
}

/**
 * The nearest site. The 3×3 cells around the point hold every site closer than one cell's width
 * (shortened here for the narrowing of longitude away from the equator); a site found within that
 * is the nearest, otherwise every site is compared.
 */
export function nearest(sites: SiteRow[], lng: number, lat: number): { site: SiteRow; d: number } | null {
  const grid = gridOf(sites);
  const cx = Math.floor(lng / CELL);
  const cy = Math.floor(lat / CELL);
  const around: SiteRow[] = [];
  for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) around.push(...(grid.get(`${cx + dx}:${cy + dy}`) ?? []));
  const best = nearestOf(around, lng, lat);
  const sure = 0.9 * CELL * 111_320 * Math.cos(((Math.min(89, Math.abs(lat) + 1)) * Math.PI) / 180);
  return best && best.d <= sure ? best : nearestOf(sites, lng, lat);
}

export async function locate(
  db: Db,
  subdistrictId: string,
  loc: { lat?: number; long?: number; addressId?: string; addressString?: string; binRoomId?: string },
): Promise<Place> {
  const sites = await sitesOf(db, subdistrictId);
  if (!sites.length) throw new DomainError('validation_failed', 'This jurisdiction has no sites to file against yet');
  const named = loc.addressId ?? loc.binRoomId;
  if (named) {
    const site = sites.find((s) => s.id === named);
    if (!site) {
      const field = loc.addressId ? 'address_id' : 'attribute[bin_room]';
      throw refused(field, 'not a site of this jurisdiction', `${field} ${named} is not a site of this jurisdiction`);
    }
    if (loc.lat === undefined || loc.long === undefined) return { lng: site.lng, lat: site.lat, committeeId: site.committee_id, siteId: site.id, siteKind: site.kind };
    // A point sent with a named site must be by that site: otherwise a site of this jurisdiction
    // would carry a case filed anywhere (the point is what the map and the duplicate check use).
    if (distanceM(loc.long, loc.lat, site.lng, site.lat) > JURISDICTION_MARGIN_M) {
      const field = loc.addressId ? 'address_id' : 'attribute[bin_room]';
      throw refused('lat', `more than ${JURISDICTION_MARGIN_M} m from the site it names`, `lat/long lies more than ${JURISDICTION_MARGIN_M} m from the site named by ${field}`);
    }
    return { lng: loc.long, lat: loc.lat, committeeId: site.committee_id, siteId: site.id, siteKind: site.kind };
  }
  if (loc.lat !== undefined && loc.long !== undefined) {
    const n = nearest(sites, loc.long, loc.lat)!;
    if (n.d > JURISDICTION_MARGIN_M) throw refused('lat', 'lies outside this jurisdiction', 'lat/long lies outside this jurisdiction');
    return { lng: loc.long, lat: loc.lat, committeeId: n.site.committee_id, siteId: null, siteKind: null };
  }
  const text = loc.addressString?.trim();
  if (!text) throw refused('lat', 'required: a point, a site or an address', 'A location is required: lat and long, address_string or address_id');
  // No geocoder runs offline: a site whose name or address the text mentions places it; otherwise
  // the case waits at the centre of the jurisdiction for the operator, who verifies every report
  // before filing (核实) and sees the address text.
  const mentioned = sites.find((s) => text.includes(s.name) || (s.address.length >= 4 && text.includes(s.address)));
  if (mentioned) return { lng: mentioned.lng, lat: mentioned.lat, committeeId: mentioned.committee_id, siteId: mentioned.id, siteKind: mentioned.kind };
  const lng = sites.reduce((a, s) => a + s.lng, 0) / sites.length;
  const lat = sites.reduce((a, s) => a + s.lat, 0) / sites.length;
  const n = nearest(sites, lng, lat)!;
  return { lng, lat, committeeId: n.site.committee_id, siteId: null, siteKind: null };
}
