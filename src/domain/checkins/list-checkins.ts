import type { Db } from '../../db/index.js';
import type { CheckinMethod, CheckinStatus } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { scopeCondition } from '../auth/scope.js';
import { parseFlags } from '../evidence/photo-checks.js';
import { pageLimit, readKeysetPage } from '../shared/keyset-page.js';

export const CHECKINS_PAGE_DEFAULT = 200;
export const CHECKINS_PAGE_MAX = 1000;
export const MISSES_PAGE_DEFAULT = 500;
export const MISSES_PAGE_MAX = 5000;

export interface Page {
  /** The `nextCursor` of the page before. */
  after?: string;
  limit?: number;
}

export interface CheckinFilter {
  date?: string;
  committeeId?: string;
  siteId?: string;
  userId?: string;
  status?: CheckinStatus;
  method?: CheckinMethod;
  /** Needs the operator's review: photo evidence flags, or a manual position (manual-position.ts). */
  flagged?: boolean;
}

/** Check-ins in the actor's scope, newest first, in pages (`after` → `nextCursor`). */
export async function listCheckins(db: Db, actor: Actor, f: CheckinFilter, page: Page = {}) {
  assertCan(actor, 'patrols.read');
  const limit = pageLimit(page.limit, CHECKINS_PAGE_DEFAULT, CHECKINS_PAGE_MAX);
  let q = db
    .selectFrom('checkins as k')
    .innerJoin('sites as s', 's.id', 'k.site_id')
    .innerJoin('users as u', 'u.id', 'k.user_id')
    .select([
      'k.id', 'k.site_id as siteId', 's.name as siteName', 'k.committee_id as committeeId', 'k.user_id as userId',
      'u.display_name as userName', 'u.role as userRole', 'k.local_date as date', 'k.window_key as windowKey',
      'k.in_window as inWindow', 'k.method', 'k.status', 'k.off_site_reason as offSiteReason',
      'k.manual_reason as manualReason', 'k.manual_note as manualNote', 'k.lat', 'k.lng',
      'k.accuracy_m as accuracyM', 'k.distance_m as distanceM', 'k.photo_id as photoId', 'k.last_photo_id as lastPhotoId',
      'k.device_time as deviceTime', 'k.first_at as firstAt', 'k.last_at as lastAt', 'k.repeat_count as repeatCount',
      'k.evidence_flags as flags',
    ])
    .where(scopeCondition(actor, 'k.subdistrict_id', 'k.committee_id'));
  if (f.date) q = q.where('k.local_date', '=', f.date);
  if (f.committeeId) q = q.where('k.committee_id', '=', f.committeeId);
  if (f.siteId) q = q.where('k.site_id', '=', f.siteId);
  if (f.userId) q = q.where('k.user_id', '=', f.userId);
  if (f.status) q = q.where('k.status', '=', f.status);
  if (f.method) q = q.where('k.method', '=', f.method);
  if (f.flagged) q = q.where((eb) => eb.or([eb('k.evidence_flags', '!=', '[]'), eb('k.method', '=', 'manual')]));
  const { page: shown, nextCursor } = await readKeysetPage(
    q, { keys: ['k.first_at', 'k.id'], kinds: ['string', 'string'], order: 'desc' }, { after: page.after, limit }, (r) => [r.firstAt, r.id],
  );
  const items = shown.map(({ flags, inWindow, ...r }) => ({
    ...r,
    inWindow: inWindow === 1,
    lat: r.lat == null ? null : Number(r.lat),
    lng: r.lng == null ? null : Number(r.lng),
    evidenceFlags: parseFlags(flags),
  }));
  return { items, nextCursor };
}

/**
 * Missed windows: one row per bin room (subject 'site') and per responsible cadre, the latest window
 * first, in pages (`after` → `nextCursor`).
 */
export async function listMisses(db: Db, actor: Actor, f: { date?: string; committeeId?: string; userId?: string; subject?: 'site' | 'cadre' }, page: Page = {}) {
  assertCan(actor, 'patrols.read');
  const limit = pageLimit(page.limit, MISSES_PAGE_DEFAULT, MISSES_PAGE_MAX);
  let q = db
    .selectFrom('checkin_misses as m')
    .innerJoin('sites as s', 's.id', 'm.site_id')
    .leftJoin('users as u', 'u.id', 'm.user_id')
    .select([
      'm.id', 'm.site_id as siteId', 's.name as siteName', 'm.committee_id as committeeId', 'm.subject', 'm.user_id as userId',
      'u.display_name as userName', 'm.local_date as date', 'm.window_key as windowKey', 'm.window_end_at as windowEndAt',
    ])
    .where(scopeCondition(actor, 'm.subdistrict_id', 'm.committee_id'));
  if (f.date) q = q.where('m.local_date', '=', f.date);
  if (f.committeeId) q = q.where('m.committee_id', '=', f.committeeId);
  if (f.userId) q = q.where('m.user_id', '=', f.userId);
  if (f.subject === 'site') q = q.where('m.subject', '=', 'site');
  if (f.subject === 'cadre') q = q.where('m.subject', '!=', 'site');
  const { page: items, nextCursor } = await readKeysetPage(
    q, { keys: ['m.window_end_at', 'm.id'], kinds: ['string', 'string'], order: 'desc' }, { after: page.after, limit }, (r) => [r.windowEndAt, r.id],
  );
  return { items, nextCursor };
}
