import { loadExifr } from '../shared/lazy-modules.js';

export interface PhotoExif {
  /** ISO-8601 UTC, or null when the photo carries no usable capture time */
  takenAt: string | null;
  /** WGS-84 degrees, as recorded by the phone's GNSS */
  lat: number | null;
  lng: number | null;
}

const NONE: PhotoExif = { takenAt: null, lat: null, lng: null };

/**
 * EXIF capture time and GPS. EXIF DateTimeOriginal is a wall-clock time without a zone: we use
 * OffsetTimeOriginal when the camera wrote one (iPhones do), else assume Asia/Shanghai (+08:00).
 * Unreadable or absent metadata gives nulls, never an error.
 */
export async function readExif(bytes: Buffer): Promise<PhotoExif> {
  let tags: Record<string, unknown> | undefined;
  try {
    tags = await (await loadExifr()).parse(bytes, {
      tiff: true,
      exif: true,
      gps: true,
      reviveValues: false,
      translateValues: false,
      pick: ['DateTimeOriginal', 'CreateDate', 'OffsetTimeOriginal', 'OffsetTime', 'GPSLatitude', 'GPSLatitudeRef', 'GPSLongitude', 'GPSLongitudeRef'],
    });
  } catch {
    return NONE;
  }
  if (!tags) return NONE;
  return { takenAt: exifTime(tags), ...exifGps(tags) };
}

function exifTime(t: Record<string, unknown>): string | null {
  const raw = (t.DateTimeOriginal ?? t.CreateDate) as unknown;
  if (typeof raw !== 'string') return null;
  const m = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(raw.trim());
  if (!m) return null;
  const offsetRaw = (t.OffsetTimeOriginal ?? t.OffsetTime) as unknown;
  const offset = typeof offsetRaw === 'string' && /^[+-]\d{2}:\d{2}$/.test(offsetRaw.trim()) ? offsetRaw.trim() : '+08:00';
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${offset}`);
  if (Number.isNaN(d.getTime()) || d.getUTCFullYear() < 2000) return null;
  return d.toISOString();
}

function dms(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && v.length >= 1 && v.every((x) => typeof x === 'number')) {
    const [d = 0, m = 0, s = 0] = v as number[];
    return d + m / 60 + s / 3600;
  }
  return null;
}

function exifGps(t: Record<string, unknown>): { lat: number | null; lng: number | null } {
  let lat = dms(t.GPSLatitude);
  let lng = dms(t.GPSLongitude);
  if (lat == null || lng == null || !Number.isFinite(lat) || !Number.isFinite(lng)) return { lat: null, lng: null };
  if (String(t.GPSLatitudeRef ?? 'N').toUpperCase().startsWith('S')) lat = -lat;
  if (String(t.GPSLongitudeRef ?? 'E').toUpperCase().startsWith('W')) lng = -lng;
  // 0,0 is what some phones write when they had no fix.
  if (Math.abs(lat) > 90 || Math.abs(lng) > 180 || (lat === 0 && lng === 0)) return { lat: null, lng: null };
  return { lat: Math.round(lat * 1e7) / 1e7, lng: Math.round(lng * 1e7) / 1e7 };
}
