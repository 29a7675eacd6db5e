import type { Db } from '../../db/index.js';
import { distanceMetres, type LatLng } from '../geo/haversine.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';

/**
 * Evidence checks on photos used by a check-in or an inspection. They never block the record
 * (a phone's clock or GPS can be wrong for honest reasons); they flag it for the operator.
 */
export type EvidenceFlagCode = 'reused_photo' | 'exif_time_far' | 'exif_gps_far';

export interface EvidenceFlag {
  code: EvidenceFlagCode;
  photoId: string;
  /** reused_photo: the other record; exif_time_far: minutes apart; exif_gps_far: metres from the site */
  detail: { recordKind?: string; recordId?: string; minutes?: number; metres?: number };
}

export interface EvidenceSettings {
  evidenceMaxSkewMs: number;
  evidenceMaxExifDistanceM: number;
}

export async function checkPhotos(
  db: Db,
  clock: Clock,
  s: EvidenceSettings,
  args: { photoIds: string[]; site: LatLng; recordId: string | null },
): Promise<EvidenceFlag[] & { photos?: { id: string; sha256: string }[] }> {
  if (!args.photoIds.length) return [];
  const photos = await db
    .selectFrom('photos')
    .select(['id', 'sha256', 'exif_taken_at', 'exif_lat', 'exif_lng'])
    .where('id', 'in', args.photoIds)
    .execute();
  // The photo rows ride along so recordPhotoUses need not read them again.
  const flags: EvidenceFlag[] & { photos?: { id: string; sha256: string }[] } = Object.assign([], { photos });
  const now = clock.now().getTime();
  for (const p of photos) {
    let reuse = db
      .selectFrom('evidence_photo_uses')
      .select(['record_kind', 'record_id'])
      .where('sha256', '=', p.sha256);
    if (args.recordId) reuse = reuse.where('record_id', '!=', args.recordId);
    const other = await reuse.orderBy('used_at').limit(1).executeTakeFirst();
    if (other) flags.push({ code: 'reused_photo', photoId: p.id, detail: { recordKind: other.record_kind, recordId: other.record_id } });
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

/** Remembers that these photos back this record, so a later re-use is caught. */
export async function recordPhotoUses(
  db: Db,
  clock: Clock,
  subdistrictId: string,
  recordKind: 'checkin' | 'inspection',
  recordId: string,
  photoIds: string[],
  known?: { id: string; sha256: string }[],
): Promise<void> {
  if (!photoIds.length) return;
  const photos = known ?? (await db.selectFrom('photos').select(['id', 'sha256']).where('id', 'in', photoIds).execute());
  if (!photos.length) return;
  const at = clock.now().toISOString();
  await db
    .insertInto('evidence_photo_uses')
    .values(photos.map((p) => ({ id: newId(), subdistrict_id: subdistrictId, photo_id: p.id, sha256: p.sha256, record_kind: recordKind, record_id: recordId, used_at: at })))
    .execute();
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
