import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../src/db/index.js';
import { newId } from '../../src/domain/shared/ids.js';

/** A photo row as if uploaded through POST /api/photos (the bytes are not needed by these tests). */
export async function insertPhoto(
  db: Db,
  username: string,
  o: { sha256?: string; takenAt?: string | null; lat?: number | null; lng?: number | null } = {},
): Promise<string> {
  const u = await db.selectFrom('users').select(['id', 'subdistrict_id']).where('username', '=', username).executeTakeFirstOrThrow();
  const id = newId();
  const sha = o.sha256 ?? createHash('sha256').update(randomBytes(16)).digest('hex');
  await db
    .insertInto('photos')
    .values({
      id, subdistrict_id: u.subdistrict_id, uploaded_by: u.id, sha256: sha, mime: 'image/jpeg', bytes: 1000, width: 640, height: 480,
      storage_key: `${sha}.jpg`, thumb_key: null, exif_taken_at: o.takenAt ?? null, exif_lat: o.lat ?? null, exif_lng: o.lng ?? null,
      created_at: new Date().toISOString(),
    } as any)
    .execute();
  return id;
}

export async function committeeOf(db: Db, username: string): Promise<string> {
  const r = await db
    .selectFrom('users as u')
    .innerJoin('user_scopes as s', 's.user_id', 'u.id')
    .select('s.committee_id')
    .where('u.username', '=', username)
    .executeTakeFirstOrThrow();
  return r.committee_id!;
}

export async function binRoomsOf(db: Db, committeeId: string) {
  return db
    .selectFrom('sites')
    .select(['id', 'lat', 'lng', 'qr_code', 'disposal_hours', 'committee_id'])
    .where('committee_id', '=', committeeId)
    .where('kind', '=', 'bin_room')
    .orderBy('id')
    .execute();
}

export const count = async (db: Db, table: 'checkins' | 'inspections' | 'checkin_misses' | 'inspection_answers' | 'cases') =>
  Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
