import type { Db } from '../../db/index.js';
import { preparedInsert } from '../../db/prepared.js';
import { newId } from '../shared/ids.js';

const insertCasePhoto = preparedInsert('case_photos');

/** Links photos to a case and the event that brought them (photo access follows case scope). */
export async function linkPhotos(
  db: Db,
  c: { id: string; subdistrict_id: string; committee_id: string },
  eventId: string,
  photoIds: readonly string[],
  purpose: 'before' | 'after' | 'evidence',
) {
  for (const photoId of photoIds) {
    await insertCasePhoto.run(db, { id: newId(), case_id: c.id, event_id: eventId, photo_id: photoId, subdistrict_id: c.subdistrict_id, committee_id: c.committee_id, purpose });
  }
}
