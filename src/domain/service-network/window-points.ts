import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { scopeCondition } from '../auth/scope.js';

/**
 * The points a person serves at, for the window screen: window staff (committee cadres, centre
 * clerks) the built, staffed points whose staff list names them; the desk (operators,
 * administrators) every built, staffed point in their scope. Ordered by code.
 */
export async function windowPoints(db: Db, actor: Actor) {
  assertCan(actor, 'services.serve');
  let q = db
    .selectFrom('service_points')
    .select(['service_points.id', 'service_points.code', 'service_points.name', 'service_points.kind', 'service_points.subdistrict_id as subdistrictId'])
    .where(scopeCondition(actor, 'service_points.subdistrict_id', 'service_points.committee_id'))
    .where('service_points.status', '=', 'built')
    .where('service_points.staffed', '=', 1);
  if (actor.role !== 'operator' && actor.role !== 'admin') {
    q = q.where('service_points.id', 'in', db.selectFrom('service_point_staff').select('point_id').where('user_id', '=', actor.userId));
  }
  return q.orderBy('service_points.code').limit(1000).execute();
}
