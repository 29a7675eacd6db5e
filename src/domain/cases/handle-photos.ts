import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import { preparedFamily } from '../../db/prepared.js';
import type { Actor } from '../auth/actor.js';
import { photoDeskSubdistricts } from '../photos/access.js';
import { assertAllUsable, assertNoRepeats, assertNotBeforeCopies, assertNotBeforeIds } from '../photos/usable.js';

/**
 * The rectification photos of a 'handle', read in ONE statement with the case's before photos:
 * each must be usable by the actor (photos/usable.ts assertPhotosUsable: uploaded by them, or in a
 * subdistrict whose desk they staff), and none may be a before photo or its content uploaded again
 * (assertBeforeAfterDiffer) — the fix is proved by a new picture. Rows 'a' are the usable photos
 * named, rows 'b' the case's before photos, each with its sha256. Prepared per (n named, m desk
 * subdistricts).
 */
const photosForHandle = preparedFamily((key: string) => {
  const [n, m] = key.split(':').map(Number) as [number, number];
  return {
    arity: 2 + n + m,
    build: (db: Db, caseId: unknown, userId: unknown, ...rest: unknown[]) =>
      db
        .selectFrom('photos')
        .select(['id', 'sha256', sql<string>`'a'`.as('k')])
        .where('id', 'in', rest.slice(0, n) as string[])
        .where((eb) => {
          const own = eb('uploaded_by', '=', userId as string);
          return m ? eb.or([own, eb('subdistrict_id', 'in', rest.slice(n) as string[])]) : own;
        })
        .unionAll(
          db
            .selectFrom('case_photos as cp')
            .innerJoin('photos as p', 'p.id', 'cp.photo_id')
            .select(['p.id', 'p.sha256', sql<string>`'b'`.as('k')])
            .where('cp.case_id', '=', caseId as string)
            .where('cp.purpose', '=', 'before'),
        ),
  };
});

/** Throws validation_failed naming `<field>.<index>` of the first photo that may not prove the fix. */
export async function assertHandlePhotos(db: Db, actor: Actor, caseId: string, photoIds: string[], field = 'photoIds'): Promise<void> {
  if (!photoIds.length) return;
  assertNoRepeats(photoIds, field);
  const subs = photoDeskSubdistricts(actor);
  const rows = await photosForHandle(`${photoIds.length}:${subs.length}`).all(db, caseId, actor.userId, ...photoIds, ...subs);
  assertAllUsable(photoIds, new Set(rows.filter((r) => r.k === 'a').map((r) => r.id)), field);
  const before = rows.filter((r) => r.k === 'b');
  if (!before.length) return;
  const beforeIds = before.map((r) => r.id);
  assertNotBeforeIds(beforeIds, photoIds, field);
  assertNotBeforeCopies(beforeIds, photoIds, new Map(rows.map((r) => [r.id, r.sha256])), field);
}
