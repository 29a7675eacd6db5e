import { fitWithin, MAX_BYTES, MAX_LONG_SIDE, searchEncoding } from './sizing';

export interface PhotoMeta {
  takenAt: string | null;
  lat: number | null;
  lng: number | null;
}

export interface PreparedPhoto extends PhotoMeta {
  blob: Blob;
  name: string;
  width: number;
  height: number;
  originalBytes: number;
}

/** Reads the ORIGINAL file's EXIF time and GPS (exifr is loaded only when a photo is taken). */
export async function readPhotoMeta(file: Blob): Promise<PhotoMeta> {
  try {
    const exifr = (await import('exifr')).default;
    const out = (await exifr.parse(file, { tiff: true, exif: true, gps: true, xmp: false, icc: false, iptc: false })) as
      | { DateTimeOriginal?: Date; CreateDate?: Date; latitude?: number; longitude?: number }
      | undefined;
    const t = out?.DateTimeOriginal ?? out?.CreateDate;
    const ok = (n: unknown) => typeof n === 'number' && Number.isFinite(n);
    return {
      takenAt: t instanceof Date && !Number.isNaN(t.getTime()) ? t.toISOString() : null,
      lat: ok(out?.latitude) ? (out!.latitude as number) : null,
      lng: ok(out?.longitude) ? (out!.longitude as number) : null,
    };
  } catch {
    return { takenAt: null, lat: null, lng: null };
  }
}

function canvasBlob(bitmap: ImageBitmap, width: number, height: number, quality: number): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return Promise.reject(new Error('no 2d canvas'));
  ctx.drawImage(bitmap, 0, 0, width, height);
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('encode failed'))), 'image/jpeg', quality));
}

/**
 * Resizes (long side ≤ 1600 px) and re-encodes as JPEG ≤ 400 KB, lowering quality stepwise.
 * A small JPEG already within both limits is kept as it is (its EXIF stays). When the browser
 * cannot decode the file (e.g. HEIC in some WebViews) the original is returned unchanged and
 * the server decides.
 */
export async function preparePhoto(file: File): Promise<PreparedPhoto> {
  const meta = await readPhotoMeta(file);
  const base = (file.name || 'photo').replace(/\.[^.]+$/, '');
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    return { ...meta, blob: file, name: file.name || 'photo', width: 0, height: 0, originalBytes: file.size };
  }
  try {
    if (file.type === 'image/jpeg' && file.size <= MAX_BYTES && Math.max(bitmap.width, bitmap.height) <= MAX_LONG_SIDE) {
      return { ...meta, blob: file, name: file.name || 'photo.jpg', width: bitmap.width, height: bitmap.height, originalBytes: file.size };
    }
    const fit = fitWithin(bitmap.width, bitmap.height);
    const found = await searchEncoding((scale, q) =>
      canvasBlob(bitmap, Math.max(1, Math.round(fit.width * scale)), Math.max(1, Math.round(fit.height * scale)), q),
    );
    return {
      ...meta,
      blob: found.blob,
      name: `${base}.jpg`,
      width: Math.round(fit.width * found.scale),
      height: Math.round(fit.height * found.scale),
      originalBytes: file.size,
    };
  } finally {
    bitmap.close();
  }
}
