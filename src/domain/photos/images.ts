import { loadFileType, loadSharp } from '../shared/lazy-modules.js';
import { DomainError } from '../shared/errors.js';

/** What phones send: JPEG, PNG, WebP, and HEIC/HEIF from iPhones. Decided by content, not by name. */
export const ACCEPTED_MIME = ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'image/heif'] as const;
export type PhotoMime = (typeof ACCEPTED_MIME)[number];

export const THUMB_SIZE = 320;

export async function sniffPhotoType(bytes: Buffer): Promise<PhotoMime> {
  const t = await (await loadFileType()).fileTypeFromBuffer(bytes);
  if (!t || !(ACCEPTED_MIME as readonly string[]).includes(t.mime)) {
    const detected = t?.mime ?? 'unknown';
    throw new DomainError(
      'unsupported_media_type',
      `file: ${detected === 'unknown' ? 'not a recognisable image' : detected} is not accepted; send JPEG, PNG, WebP or HEIC`,
      { field: 'file', detected, accepted: ACCEPTED_MIME },
    );
  }
  return t.mime as PhotoMime;
}

export interface Rendered {
  width: number | null;
  height: number | null;
  /** JPEG thumbnail, or null when this build of sharp cannot decode the image (HEVC-coded HEIC). */
  thumb: Buffer | null;
}

/**
 * Size (after EXIF orientation) and a THUMB_SIZE px JPEG thumbnail. The prebuilt sharp ships
 * libheif with the AV1 decoder only: HEVC-coded HEIC from iPhones cannot be decoded, so for
 * those we keep the original, read the size from the HEIF `ispe` box, and make no thumbnail.
 */
export async function renderPhoto(bytes: Buffer, mime: PhotoMime): Promise<Rendered> {
  try {
    const sharp = await loadSharp();
    const img = sharp(bytes, { failOn: 'error', limitInputPixels: 100_000_000 });
    const meta = await img.metadata();
    const thumb = await img
      .clone()
      .rotate()
      .resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 75, mozjpeg: true })
      .toBuffer();
    const swap = (meta.orientation ?? 1) >= 5;
    return { width: (swap ? meta.height : meta.width) ?? null, height: (swap ? meta.width : meta.height) ?? null, thumb };
  } catch (err) {
    if (mime === 'image/heic' || mime === 'image/heif') return { ...heifSize(bytes), thumb: null };
    throw new DomainError('unsupported_media_type', `file: the ${mime} image cannot be decoded (${(err as Error).message.split('\n')[0]})`, {
      field: 'file',
      detected: mime,
    });
  }
}

/** Largest `ispe` (image spatial extent) box of a HEIF file: the full picture, not a tile. */
export function heifSize(bytes: Buffer): { width: number | null; height: number | null } {
  let best: { width: number; height: number } | null = null;
  let i = bytes.indexOf('ispe', 0, 'latin1');
  while (i >= 4 && i + 16 <= bytes.length) {
    const width = bytes.readUInt32BE(i + 8);
    const height = bytes.readUInt32BE(i + 12);
    if (width > 0 && height > 0 && width < 100_000 && height < 100_000 && (!best || width * height > best.width * best.height)) {
      best = { width, height };
    }
    i = bytes.indexOf('ispe', i + 4, 'latin1');
  }
  return best ?? { width: null, height: null };
}

let placeholder: Promise<Buffer> | null = null;

/** Grey JPEG served as the thumbnail of a photo that has none. */
export function placeholderThumb(): Promise<Buffer> {
  placeholder ??= loadSharp().then((sharp) => sharp({ create: { width: THUMB_SIZE, height: 240, channels: 3, background: { r: 224, g: 224, b: 224 } } })
    .jpeg({ quality: 60 })
    .toBuffer());
  return placeholder;
}
