import type { Db } from '../../db/index.js';
import { preparedFamily } from '../../db/prepared.js';
import type { Actor } from '../auth/actor.js';
import { invalidField } from '../shared/errors.js';
import { photoDeskSubdistricts } from './access.js';

/** Photos among n ids uploaded by the user or (m > 0) in one of m subdistricts; prepared per (n, m). */
const usablePhotos = preparedFamily((key: string) => {
  const [n, m] = key.split(':').map(Number) as [number, number];
  return {
    arity: 1 + n + m,
    build: (db: Db, userId: unknown, ...rest: unknown[]) =>
      db
        .selectFrom('photos')
        .select('id')
        .where('id', 'in', rest.slice(0, n) as string[])
        .where((eb) => {
          const own = eb('uploaded_by', '=', userId as string);
          return m ? eb.or([own, eb('subdistrict_id', 'in', rest.slice(n) as string[])]) : own;
        }),
  };
});

/**
 * Before photos are attached to a case: each id must name a photo uploaded by this actor, or, for
 * admins and operators of a whole subdistrict, by anyone in it (an operator may attach a patrol's photo).
 * Throws validation_failed naming `<field>.<index>` of the first photo that is not usable.
 */
export async function assertPhotosUsable(db: Db, actor: Actor, photoIds: string[], field = 'photoIds'): Promise<void> {
  if (!photoIds.length) return;
  assertNoRepeats(photoIds, field);
  const subs = photoDeskSubdistricts(actor);
  const rows = await usablePhotos(`${photoIds.length}:${subs.length}`).all(db, actor.userId, ...photoIds, ...subs);
  assertAllUsable(photoIds, new Set(rows.map((r) => r.id)), field);
}

/** The rule of assertPhotosUsable without its read: no id twice. */
export function assertNoRepeats(photoIds: string[], field: string): void {
  const seen = new Set<string>();
  photoIds.forEach((id, i) => {
    if (seen.has(id)) throw invalidField(`${field}.${i}`, 'photo listed twice');
    seen.add(id);
  });
}

/** The rule of assertPhotosUsable without its read: every id among those found usable. */
export function assertAllUsable(photoIds: string[], usable: ReadonlySet<string>, field: string): void {
  const bad = photoIds.findIndex((id) => !usable.has(id));
  if (bad >= 0) throw invalidField(`${field}.${bad}`, 'no such photo, or not uploaded by you');
}

/**
 * A fix on the spot (自发自处) is proved by a before and an after photo: the same picture as both
 * proves nothing, so an after photo may be neither one of the before photos nor the same content
 * (sha256) uploaded again. Throws validation_failed naming `<afterField>.<index>`.
 */
export async function assertBeforeAfterDiffer(db: Db, beforeIds: string[], afterIds: string[], afterField = 'afterPhotoIds'): Promise<void> {
  if (!beforeIds.length || !afterIds.length) return;
  assertNotBeforeIds(beforeIds, afterIds, afterField);
  const rows = await db.selectFrom('photos').select(['id', 'sha256']).where('id', 'in', [...beforeIds, ...afterIds]).execute();
  assertNotBeforeCopies(beforeIds, afterIds, new Map(rows.map((r) => [r.id, r.sha256])), afterField);
}

const SAME_PICTURE = 'the same picture as a before photo';

/** The rule of assertBeforeAfterDiffer without its read: no after photo is a before photo. */
export function assertNotBeforeIds(beforeIds: string[], afterIds: string[], afterField: string): void {
  const before = new Set(beforeIds);
  const shared = afterIds.findIndex((id) => before.has(id));
  if (shared >= 0) throw invalidField(`${afterField}.${shared}`, SAME_PICTURE);
}

/** … and none has a before photo's content (sha256, `hash` by photo id). */
export function assertNotBeforeCopies(beforeIds: string[], afterIds: string[], hash: ReadonlyMap<string, string>, afterField: string): void {
  const beforeHashes = new Set(beforeIds.map((id) => hash.get(id)));
  const copy = afterIds.findIndex((id) => hash.has(id) && beforeHashes.has(hash.get(id)));
  if (copy >= 0) throw invalidField(`${afterField}.${copy}`, SAME_PICTURE);
}
