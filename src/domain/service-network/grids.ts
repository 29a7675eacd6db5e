import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { subdistrictCondition } from '../auth/scope.js';

/** The police grids (警务网格) of the actor's subdistricts. */
export async function listServiceGrids(db: Db, actor: Actor, f: { subdistrictId?: string } = {}) {
  assertCan(actor, 'services.read');
  let q = db
    .selectFrom('service_grids')
    .select(['id', 'subdistrict_id as subdistrictId', 'code', 'name', 'lng', 'lat'])
    .where(subdistrictCondition(actor, 'service_grids.subdistrict_id'));
  if (f.subdistrictId) q = q.where('subdistrict_id', '=', f.subdistrictId);
  return q.orderBy('code').execute();
}
