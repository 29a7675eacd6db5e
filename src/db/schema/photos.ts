/** Uploaded photos (content-addressed evidence). */

export interface PhotoTable {
  id: string;
  subdistrict_id: string | null;
  uploaded_by: string;
  sha256: string;
  mime: string;
  bytes: number;
  width: number | null;
  height: number | null;
  storage_key: string;
  thumb_key: string | null;
  exif_taken_at: string | null;
  exif_lat: number | null;
  exif_lng: number | null;
  created_at: string;
}

/** A list that cites photos, by table and column (CHECK constraint). */
export type PhotoCitationList = 'case_events.photo_ids' | 'enforcement_steps.photo_ids' | 'inspection_answers.photo_ids' | 'inspection_answers.after_photo_ids';

/**
 * One photo id named by a record's JSON photo list, kept by triggers (migration
 * 2026-12-10T0610-photo-citations); photo_id null: the list is not a readable JSON array.
 */
export interface PhotoCitationTable {
  photo_id: string | null;
  list: PhotoCitationList;
  record_id: string;
}
