import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import type { Clock } from '../shared/clock.js';
import { caseVisibility } from './case-scope.js';
import { OPEN_STATUSES } from './lifecycle.js';

/** Defaults for "is this already reported?" (same category, within 100 m, within 3 days); the server's come from config (DUPLICATE_RADIUS_M, DUPLICATE_WINDOW_HOURS). */
export const DUPLICATE_DEFAULTS = { radiusM: 100, windowHours: 72 };

const EARTH_M = 6_371_000;
export function distanceM(aLng: number, aLat: number, bLng: number, bLat: number): number {
  const rad = Math.PI / 180;
  const dLat = (bLat - aLat) * rad;
  const dLng = (bLng - aLng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(aLat * rad) * Math.cos(bLat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_M * Math.asin(Math.sqrt(h));
}

/** Open cases of the same category near a point, reported recently: offered to the reporter before a new report. */
export async function findDuplicates(
  db: Db,
  clock: Clock,
  actor: Actor,
  q: { categoryId: string; lng: number; lat: number; radiusM?: number; windowHours?: number },
) {
  assertCan(actor, 'cases.read');
  const radius = q.radiusM ?? DUPLICATE_DEFAULTS.radiusM;
  const since = new Date(clock.now().getTime() - (q.windowHours ?? DUPLICATE_DEFAULTS.windowHours) * 3600_000).toISOString();
  const dLat = radius / 111_320;
  const dLng = radius / (111_320 * Math.cos((q.lat * Math.PI) / 180));
  const rows = await db
    .selectFrom('cases as c')
    .select(['c.id', 'c.number', 'c.status', 'c.description', 'c.lng', 'c.lat', 'c.reported_at as reportedAt', 'c.version', 'c.site_id as siteId'])
    .where(caseVisibility(actor))
    .where('c.category_id', '=', q.categoryId)
    .where('c.status', 'in', OPEN_STATUSES)
    .where('c.reported_at', '>=', since)
    .where('c.lng', '>=', q.lng - dLng)
    .where('c.lng', '<=', q.lng + dLng)
    .where('c.lat', '>=', q.lat - dLat)
    .where('c.lat', '<=', q.lat + dLat)
    .limit(200)
    .execute();
  return rows
    .map((r) => ({ ...r, lng: Number(r.lng), lat: Number(r.lat), distanceM: Math.round(distanceM(q.lng, q.lat, Number(r.lng), Number(r.lat))) }))
    .filter((r) => r.distanceM <= radius)
    .sort((a, b) => a.distanceM - b.distanceM);
}
