import { createHash } from 'node:crypto';
import type { Db } from '../../db/index.js';
import type { PhotoTable } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { touchedSubdistricts } from '../auth/scope.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import { readExif, type PhotoExif } from './exif.js';
import { type PhotoMime, renderPhoto, sniffPhotoType } from './images.js';
import type { FileStore } from '../storage/file-store.js';
import { originalKey, thumbKey } from '../storage/keys.js';

export interface PhotoDto {
  id: string;
  sha256: string;
  mime: string;
  bytes: number;
  width: number | null;
  height: number | null;
  takenAt: string | null;
  lat: number | null;
  lng: number | null;
  hasThumb: boolean;
  url: string;
  thumbUrl: string;
}

export const photoDto = (p: PhotoTable): PhotoDto => ({
  id: p.id,
  sha256: p.sha256,
  mime: p.mime,
  bytes: Number(p.bytes),
  width: p.width,
  height: p.height,
  takenAt: p.exif_taken_at,
  lat: p.exif_lat == null ? null : Number(p.exif_lat),
  lng: p.exif_lng == null ? null : Number(p.exif_lng),
  hasThumb: p.thumb_key != null,
  url: `/api/photos/${p.id}`,
  thumbUrl: `/api/photos/${p.id}/thumb`,
});

/**
 * An accepted image whose files are in the store but which no row records yet (the row needs an
 * uploader and is written by recordPhoto, e.g. inside the transaction that decides whether the
 * photo is wanted at all). The files are content-addressed: written twice, they are one file.
 */
export type StoredPhotoFiles = Omit<PhotoTable, 'id' | 'subdistrict_id' | 'uploaded_by' | 'created_at'>;

async function storeChecked(files: FileStore, bytes: Buffer, mime: PhotoMime, sha256: string, fallback?: PhotoExif): Promise<StoredPhotoFiles> {
  const [rendered, exif] = await Promise.all([renderPhoto(bytes, mime), readExif(bytes)]);
  await files.putOnce(originalKey(sha256), bytes);
  if (rendered.thumb) await files.putOnce(thumbKey(sha256), rendered.thumb);
  return {
    sha256,
    mime,
    bytes: bytes.length,
    width: rendered.width,
    height: rendered.height,
    storage_key: originalKey(sha256),
    thumb_key: rendered.thumb ? thumbKey(sha256) : null,
    exif_taken_at: exif.takenAt ?? fallback?.takenAt ?? null,
    exif_lat: exif.lat ?? (exif.lng == null ? (fallback?.lat ?? null) : null),
    exif_lng: exif.lng ?? (exif.lat == null ? (fallback?.lng ?? null) : null),
  };
}

/**
 * Checks an upload is an accepted image (type sniffed, decoded) and writes its original and
 * thumbnail to the store, without touching the database: no transaction waits on the rendering
 * or the store, and nothing is recorded until recordPhoto.
 */
export async function storePhotoFiles(files: FileStore, bytes: Buffer, fallback?: PhotoExif): Promise<StoredPhotoFiles> {
  const mime = await sniffPhotoType(bytes);
  return storeChecked(files, bytes, mime, createHash('sha256').update(bytes).digest('hex'), fallback);
}

/** Records stored files as `actor`'s photo: one row per uploader and content (the same content again returns the same row). */
export async function recordPhoto(db: Db, clock: Clock, actor: Actor, stored: StoredPhotoFiles): Promise<PhotoDto> {
  const subs = touchedSubdistricts(actor);
  const row: PhotoTable = {
    id: newId(),
    subdistrict_id: actor.subdistrictId ?? (subs.length === 1 ? (subs[0] as string) : null),
    uploaded_by: actor.userId,
    ...stored,
    created_at: clock.now().toISOString(),
  };
  await db
    .insertInto('photos')
    .values(row)
    .onConflict((oc) => oc.columns(['uploaded_by', 'sha256']).doNothing())
    .execute();
  // A concurrent identical upload by the same person may have won: return whichever row exists.
  const saved = await db
    .selectFrom('photos')
    .selectAll()
    .where('uploaded_by', '=', actor.userId)
    .where('sha256', '=', stored.sha256)
    .executeTakeFirstOrThrow();
  return photoDto(saved);
}

/**
 * Stores an uploaded photo (bytes already read within the size limit): checks the content is
 * an accepted image, writes the original and its thumbnail content-addressed, and records one
 * row per uploader and content (uploading the same photo again returns the same row).
 * Files are written before the row; a failed insert leaves only an unreferenced file.
 */
export async function savePhoto(
  db: Db,
  clock: Clock,
  actor: Actor,
  files: FileStore,
  bytes: Buffer,
  /** The ORIGINAL photo's EXIF time/GPS read on the phone, used when these bytes (re-encoded) lost theirs. */
  fallback?: PhotoExif,
): Promise<PhotoDto> {
  const mime = await sniffPhotoType(bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const existing = await db
    .selectFrom('photos')
    .selectAll()
    .where('uploaded_by', '=', actor.userId)
    .where('sha256', '=', sha256)
    .executeTakeFirst();
  if (existing) return photoDto(existing);
  return recordPhoto(db, clock, actor, await storeChecked(files, bytes, mime, sha256, fallback));
}
