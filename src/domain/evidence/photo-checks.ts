import { sql } from 'kysely';
import { type Db, isPostgres } from '../../db/index.js';
import { prepared, preparedFamily, preparedInsert } from '../../db/prepared.js';
import { distanceMetres, type LatLng } from '../geo/haversine.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';

/**
 * Evidence checks on photos used by a check-in, an inspection or a self-resolved case. They never
 * block the record (a phone's clock or GPS can be wrong for honest reasons, one picture can show two
 * problems); they flag it for the operator.
 */
export type EvidenceFlagCode = 'reused_photo' | 'exif_time_far' | 'exif_gps_far' | 'device_time_far' | 'synced_late' | 'no_position' | 'outside_site';

export interface EvidenceFlag {
  code: EvidenceFlagCode;
  photoId: string;
  /** reused_photo: the other record; exif_time_far: minutes apart; exif_gps_far: metres from the site; device_time_far: minutes the phone's time is off (+ ahead, − behind); synced_late: minutes between capture and arrival; outside_site (an inspection's position, not within the check-in geofence): metres from the site and the position's accuracy; no_position: none */
  detail: { recordKind?: string; recordId?: string; minutes?: number; metres?: number; accuracyM?: number };
}

export interface EvidenceSettings {
  evidenceMaxSkewMs: number;
  evidenceMaxExifDistanceM: number;
}

const photosByIds = preparedFamily((n: string) => ({
  arity: Number(n),
  build: (db: Db, ...ids: unknown[]) =>
    db.selectFrom('photos').select(['id', 'sha256', 'exif_taken_at', 'exif_lat', 'exif_lng']).where('id', 'in', ids as string[]),
}));
const uses = (db: Db, sha256: string) =>
  db.selectFrom('evidence_photo_uses').select(['record_kind', 'record_id']).where('sha256', '=', sha256).orderBy('used_at').limit(1);
const firstUse = prepared((db: Db, sha256: string) => uses(db, sha256));
const firstUseElsewhere = prepared((db: Db, sha256: string, recordId: string) => uses(db, sha256).where('record_id', '!=', recordId));
const insertUse = preparedInsert('evidence_photo_uses');

export async function checkPhotos(
  db: Db,
  clock: Clock,
  s: EvidenceSettings,
  /** `at`: when the record was made (an offline capture's device time, see capture-time.ts); default now. */
  args: { photoIds: string[]; site: LatLng; recordId: string | null; at?: Date },
): Promise<EvidenceFlag[] & { photos?: { id: string; sha256: string }[] }> {
  if (!args.photoIds.length) return [];
  const photos = await photosByIds(String(args.photoIds.length)).all(db, ...args.photoIds);
  // The photo rows ride along so recordPhotoUses need not read them again.
  const flags: EvidenceFlag[] & { photos?: { id: string; sha256: string }[] } = Object.assign([], { photos });
  const now = (args.at ?? clock.now()).getTime();
  flags.push(...(await reuseFlags(db, photos, args.recordId)));
  for (const p of photos) {
    if (p.exif_taken_at) {
      const skew = Math.abs(new Date(p.exif_taken_at).getTime() - now);
      if (skew > s.evidenceMaxSkewMs) flags.push({ code: 'exif_time_far', photoId: p.id, detail: { minutes: Math.round(skew / 60_000) } });
    }
    if (p.exif_lat != null && p.exif_lng != null) {
      const metres = distanceMetres(args.site, { lat: Number(p.exif_lat), lng: Number(p.exif_lng) });
      if (metres > s.evidenceMaxExifDistanceM) flags.push({ code: 'exif_gps_far', photoId: p.id, detail: { metres: Math.round(metres) } });
    }
  }
  return flags;
}

/**
 * reused_photo for each photo whose content (sha256) already backs another record. Two records
 * sent at once with one picture would each miss the other's use (neither committed yet): on
 * PostgreSQL the first to look holds the picture until it commits its use (recordPhotoUses, in
 * the same transaction); SQLite runs one write transaction at a time. Sorted: no deadlock.
 */
async function reuseFlags(db: Db, photos: { id: string; sha256: string }[], recordId: string | null): Promise<EvidenceFlag[]> {
  if (isPostgres(db)) {
    for (const sha of [...new Set(photos.map((p) => p.sha256))].sort()) await sql`select pg_advisory_xact_lock(hashtext(${`photo_use:${sha}`}))`.execute(db);
  }
  const flags: EvidenceFlag[] = [];
  for (const p of photos) {
    const other = recordId ? await firstUseElsewhere.first(db, p.sha256, recordId) : await firstUse.first(db, p.sha256);
    if (other) flags.push({ code: 'reused_photo', photoId: p.id, detail: { recordKind: other.record_kind, recordId: other.record_id } });
  }
  return flags;
}

/**
 * The photos (of `photoIds`) that already back another record, e.g. a self-resolved case's before
 * and after photos; the rows ride along for recordPhotoUses. Call it in the transaction that then
 * records the uses.
 */
export async function reusedPhotos(db: Db, photoIds: string[]): Promise<EvidenceFlag[] & { photos?: { id: string; sha256: string }[] }> {
  if (!photoIds.length) return [];
  const photos = await photosByIds(String(photoIds.length)).all(db, ...photoIds);
  return Object.assign(await reuseFlags(db, photos, null), { photos });
}

/** Remembers that these photos back this record, so a later re-use is caught. */
export async function recordPhotoUses(
  db: Db,
  clock: Clock,
  subdistrictId: string,
  recordKind: 'checkin' | 'inspection' | 'case',
  recordId: string,
  photoIds: string[],
  known?: { id: string; sha256: string }[],
): Promise<void> {
  if (!photoIds.length) return;
  const photos = known ?? (await photosByIds(String(photoIds.length)).all(db, ...photoIds));
  const at = clock.now().toISOString();
  for (const p of photos) {
    await insertUse.run(db, { id: newId(), subdistrict_id: subdistrictId, photo_id: p.id, sha256: p.sha256, record_kind: recordKind, record_id: recordId, used_at: at });
  }
}

export const parseFlags = (json: string | null | undefined): EvidenceFlag[] => {
  try {
    return json ? (JSON.parse(json) as EvidenceFlag[]) : [];
  } catch {
    return [];
  }
};

/** Adds flags not already present (same code and photo). */
export function mergeFlags(a: EvidenceFlag[], b: EvidenceFlag[]): EvidenceFlag[] {
  const out = [...a];
  for (const f of b) if (!out.some((x) => x.code === f.code && x.photoId === f.photoId)) out.push(f);
  return out;
}
