import type { Db } from '../../db/index.js';
import type { PhotoTable, Role } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { fullSubdistricts } from '../auth/scope.js';
import { caseVisibility } from '../cases/case-scope.js';
import { notFound } from '../shared/errors.js';

/** Desk roles that attach evidence others took (an operator filing a patrol's report). */
const DESK_ROLES: readonly Role[] = ['admin', 'operator'];

/** Subdistricts in which the actor may see and use any uploaded photo, attached or not. */
export function photoDeskSubdistricts(actor: Actor): string[] {
  return DESK_ROLES.includes(actor.role) ? fullSubdistricts(actor) : [];
}

/**
 * A photo the actor may see: one they uploaded; one attached (case_photos) to a case they may
 * see, by exactly the cases' own visibility rule (scope, and for handling units only their
 * cases); or, for admins and operators of a whole subdistrict, any photo uploaded in it, since
 * they attach those to cases. Anything else is not_found, like a photo that does not exist.
 */
export async function findVisiblePhoto(db: Db, actor: Actor, id: string): Promise<PhotoTable> {
  const desk = photoDeskSubdistricts(actor);
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
            .innerJoin('cases as c', 'c.id', 'case_photos.case_id')
            .select('case_photos.id')
            .whereRef('case_photos.photo_id', '=', 'photos.id')
            .where(caseVisibility(actor, 'c')),
        ),
      ];
      if (desk.length) ors.push(eb('subdistrict_id', 'in', desk));
      return eb.or(ors);
    })
    .executeTakeFirst();
  if (!photo) throw notFound('Photo', id);
  return photo;
}
