import type { Db } from '../../db/index.js';
import type { PhotoTable } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { fullSubdistricts, scopeCondition } from '../auth/scope.js';
import { notFound } from '../shared/errors.js';

/**
 * A photo the actor may see: one they uploaded; one attached to a case within their scope
 * (case_photos carries the case's subdistrict and committee); or, for staff who see a whole
 * subdistrict (operators, admins), any photo uploaded in it, since they may attach those to
 * cases. Anything else is not_found, indistinguishable from a photo that does not exist.
 */
export async function findVisiblePhoto(db: Db, actor: Actor, id: string): Promise<PhotoTable> {
  const subs = fullSubdistricts(actor);
  const photo = await db
    .selectFrom('photos')
    .selectAll()
    .where('id', '=', id)
    .where((eb) => {
      const ors = [
        eb('uploaded_by', '=', actor.userId),
        eb.exists(
          eb
            .selectFrom('case_photos')
            .select('case_photos.id')
            .whereRef('case_photos.photo_id', '=', 'photos.id')
            .where(scopeCondition(actor, 'case_photos.subdistrict_id', 'case_photos.committee_id')),
        ),
      ];
      if (subs.length) ors.push(eb('subdistrict_id', 'in', subs));
      return eb.or(ors);
    })
    .executeTakeFirst();
  if (!photo) throw notFound('Photo', id);
  return photo;
}
