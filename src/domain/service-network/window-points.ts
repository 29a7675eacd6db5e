import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { scopeCondition } from '../auth/scope.js';
import { keysetPage, pageLimit } from '../shared/keyset-page.js';

export const WINDOW_POINTS_PAGE_DEFAULT = 1000;
export const WINDOW_POINTS_PAGE_MAX = 5000;

/**
 * The points a person serves at, for the window screen: window staff (committee cadres, centre
 * clerks) the built, staffed points whose staff list names them; the desk (operators,
 * administrators) every built, staffed point in their scope. By code, in pages (`after` the last
 * code of the page before → `nextCursor`).
 */
export async function windowPoints(db: Db, actor: Actor, page: { after?: string; limit?: number } = {}) {
  assertCan(actor, 'services.serve');
  const limit = pageLimit(page.limit, WINDOW_POINTS_PAGE_DEFAULT, WINDOW_POINTS_PAGE_MAX);
  let q = db
    .selectFrom('service_points')
    .select(['service_points.id', 'service_points.code', 'service_points.name', 'service_points.kind', 'service_points.subdistrict_id as subdistrictId'])
    .where(scopeCondition(actor, 'service_points.subdistrict_id', 'service_points.committee_id'))
    .where('service_points.status', '=', 'built')
    .where('service_points.staffed', '=', 1);
  if (actor.role !== 'operator' && actor.role !== 'admin') {
    q = q.where('service_points.id', 'in', db.selectFrom('service_point_staff').select('point_id').where('user_id', '=', actor.userId));
  }
  // Point codes are unique: the code alone is the cursor.
  if (page.after) q = q.where('service_points.code', '>', page.after);
  const rows = await q.orderBy('service_points.code').limit(limit + 1).execute();
  const { page: items, nextCursor } = keysetPage(rows, limit, (r) => r.code);
  return { items, nextCursor };
}
