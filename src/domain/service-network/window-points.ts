import { type Expression, type SqlBool, sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { fullSubdistricts, scopeCondition, scopedCommittees } from '../auth/scope.js';
import { keysetPage, pageLimit } from '../shared/keyset-page.js';

export const WINDOW_POINTS_PAGE_DEFAULT = 1000;
export const WINDOW_POINTS_PAGE_MAX = 5000;

/**
 * Whether the actor works at every point of their scope: the desk (operators, administrators) and
 * the subdistrict's managers (leaders). Everyone else (committee cadres, centre and building window
 * clerks) is window staff: they work at the points whose staff list names them
 * (service-records/point-access.ts assertServesAtKnown, the same rule on one point).
 */
export const worksEverywhere = (actor: Pick<Actor, 'role'>) => actor.role === 'operator' || actor.role === 'admin' || actor.role === 'leader';

/**
 * The front-office rows (bookings, tickets) an actor reads, as an SQL condition: their scope, and
 * for window staff whose scope is a whole subdistrict only the points whose staff list names them
 * (a committee-scoped cadre keeps the committee's points).
 */
export function frontOfficeCondition(actor: Pick<Actor, 'role' | 'scope' | 'userId'>, cols: { subdistrict: string; committee: string; point: string }): Expression<SqlBool> {
  if (worksEverywhere(actor)) return scopeCondition(actor, cols.subdistrict, cols.committee);
  const subs = fullSubdistricts(actor);
  const coms = scopedCommittees(actor);
  const parts: Expression<SqlBool>[] = [];
  if (subs.length) {
    parts.push(sql<SqlBool>`(${sql.ref(cols.subdistrict)} in (${sql.join(subs)}) and ${sql.ref(cols.point)} in (select s.point_id from service_point_staff s where s.user_id = ${actor.userId}))`);
  }
  if (coms.length) parts.push(sql<SqlBool>`${sql.ref(cols.committee)} in (${sql.join(coms)})`);
  if (!parts.length) return sql<SqlBool>`1 = 0`;
  return parts.length === 1 ? parts[0]! : sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
}

/**
 * The same rule on one row already within the actor's scope: the desk and managers, a
 * committee-scoped cadre for their committee, anyone else only at a point whose staff list names
 * them.
 */
export async function seesFrontOfficeRow(db: Db, actor: Pick<Actor, 'role' | 'scope' | 'userId'>, row: { subdistrictId: string; committeeId: string | null; pointId: string }): Promise<boolean> {
  if (worksEverywhere(actor)) return true;
  if (row.committeeId !== null && scopedCommittees(actor).includes(row.committeeId)) return true;
  if (!fullSubdistricts(actor).includes(row.subdistrictId)) return false;
  const staff = await db.selectFrom('service_point_staff').select('user_id').where('point_id', '=', row.pointId).where('user_id', '=', actor.userId).executeTakeFirst();
  return staff !== undefined;
}

/** seesFrontOfficeRow when whether the actor is on the point's staff is already known (read with the row). */
export function seesFrontOfficeRowKnown(actor: Pick<Actor, 'role' | 'scope'>, row: { subdistrictId: string; committeeId: string | null }, onStaff: boolean): boolean {
  if (worksEverywhere(actor)) return true;
  if (row.committeeId !== null && scopedCommittees(actor).includes(row.committeeId)) return true;
  return fullSubdistricts(actor).includes(row.subdistrictId) && onStaff;
}

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
