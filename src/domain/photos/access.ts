import type { Db } from '../../db/index.js';
import type { PhotoTable, Role } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { can } from '../auth/permissions.js';
import { fullSubdistricts, scopeCondition } from '../auth/scope.js';
import { caseVisibility } from '../cases/case-scope.js';
import { notFound } from '../shared/errors.js';

/** Desk roles that attach evidence others took (an operator filing a patrol's report). */
const DESK_ROLES: readonly Role[] = ['admin', 'operator'];

/** Subdistricts in which the actor may see and use any uploaded photo, attached or not. */
export function photoDeskSubdistricts(actor: Actor): string[] {
  return DESK_ROLES.includes(actor.role) ? fullSubdistricts(actor) : [];
}

/** The lists of inspection answers that cite photos (photo_citations.list). */
const INSPECTION_PHOTO_LISTS = ['inspection_answers.photo_ids', 'inspection_answers.after_photo_ids'] as const;

/**
 * A photo the actor may see: one they uploaded; one attached (case_photos) to a case they may
 * see, by exactly the cases' own visibility rule (scope, and for handling units only their
 * cases); for whoever may read check-ins and inspections (patrols.read), the photo of a check-in
 * (first or last) or of an inspection's answer (before or after, through photo_citations) whose
 * committee is in their scope, by the lists' own scope condition, so that flagged evidence can be
 * judged; or, for admins and operators of a whole subdistrict, any photo uploaded in it, since
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
      if (can(actor, 'patrols.read')) {
        for (const column of ['photo_id', 'last_photo_id'] as const) {
          ors.push(eb.exists(
            eb
              .selectFrom('checkins as k')
              .select('k.id')
              .whereRef(`k.${column}`, '=', 'photos.id')
              .where(scopeCondition(actor, 'k.subdistrict_id', 'k.committee_id')),
          ));
        }
        ors.push(eb.exists(
          eb
            .selectFrom('photo_citations as pc')
            .innerJoin('inspection_answers as a', 'a.id', 'pc.record_id')
            .innerJoin('inspections as i', 'i.id', 'a.inspection_id')
            .select('pc.record_id')
            .whereRef('pc.photo_id', '=', 'photos.id')
            .where('pc.list', 'in', INSPECTION_PHOTO_LISTS)
            .where(scopeCondition(actor, 'i.subdistrict_id', 'i.committee_id')),
        ));
      }
      if (desk.length) ors.push(eb('subdistrict_id', 'in', desk));
      return eb.or(ors);
    })
    .executeTakeFirst();
  if (!photo) throw notFound('Photo', id);
  return photo;
}
