import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { invalidField } from '../shared/errors.js';
import { photoDeskSubdistricts } from './access.js';

/**
 * Before photos are attached to a case: each id must name a photo uploaded by this actor, or, for
 * admins and operators of a whole subdistrict, by anyone in it (an operator may attach a patrol's photo).
 * Throws validation_failed naming `<field>.<index>` of the first photo that is not usable.
 */
export async function assertPhotosUsable(db: Db, actor: Actor, photoIds: string[], field = 'photoIds'): Promise<void> {
  if (!photoIds.length) return;
  const seen = new Set<string>();
  photoIds.forEach((id, i) => {
    if (seen.has(id)) throw invalidField(`${field}.${i}`, 'photo listed twice');
    seen.add(id);
  });
  const subs = photoDeskSubdistricts(actor);
  const rows = await db
    .selectFrom('photos')
    .select('id')
    .where('id', 'in', photoIds)
    .where((eb) => {
      const own = eb('uploaded_by', '=', actor.userId);
      return subs.length ? eb.or([own, eb('subdistrict_id', 'in', subs)]) : own;
    })
    .execute();
  const ok = new Set(rows.map((r) => r.id));
  const bad = photoIds.findIndex((id) => !ok.has(id));
  if (bad >= 0) throw invalidField(`${field}.${bad}`, 'no such photo, or not uploaded by you');
}
