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
