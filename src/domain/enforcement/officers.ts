import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { touchedSubdistricts } from '../auth/scope.js';

/** Active enforcement officers of the actor's subdistricts: who may co-sign a document. */
export async function listOfficers(db: Db, actor: Actor) {
  assertCan(actor, 'enforcement.read');
  const subs = touchedSubdistricts(actor);
  if (!subs.length) return [];
  const rows = await db
    .selectFrom('users as u')
    .innerJoin('user_scopes as s', 's.user_id', 'u.id')
    .select(['u.id', 'u.display_name', 'u.username', 's.subdistrict_id'])
    .where('u.role', '=', 'enforcement')
    .where('u.status', '=', 'active')
    .where('s.subdistrict_id', 'in', subs)
    .orderBy('u.username')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.display_name, username: r.username, subdistrictId: r.subdistrict_id, me: r.id === actor.userId }));
}
