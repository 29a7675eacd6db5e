import { loadFileType, loadSharp } from '../shared/lazy-modules.js';
import { DomainError } from '../shared/errors.js';
import { limitExceeded, UPLOAD_LIMITS } from '../shared/upload-limits.js';

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
 * Refuses an image whose header promises more than UPLOAD_LIMITS allow, before decoding it: a
 * small file can declare a huge canvas (a decompression bomb). Animated PNG/WebP are refused by
 * frame count; HEIF is exempt from it (its collection holds depth maps, bursts; sharp decodes only
 * the primary image).
 */
export function checkImageLimits(mime: PhotoMime, width: number | null | undefined, height: number | null | undefined, frames: number | null | undefined) {
  const w = width ?? 0;
  const h = height ?? 0;
  if (Math.max(w, h) > UPLOAD_LIMITS.image_dimension) throw limitExceeded('image_dimension', { width: w, height: h });
  if (w * h > UPLOAD_LIMITS.image_pixels) throw limitExceeded('image_pixels', { width: w, height: h });
  if (mime !== 'image/heic' && mime !== 'image/heif' && (frames ?? 1) > UPLOAD_LIMITS.image_frames) {
    throw limitExceeded('image_frames', { frames });
  }
}

const undecodable = (mime: PhotoMime, err: unknown) =>
  new DomainError('unsupported_media_type', `file: the ${mime} image cannot be decoded (${(err as Error).message.split('\n')[0]})`, {
    field: 'file',
    detected: mime,
  });

const isHeif = (mime: PhotoMime) => mime === 'image/heic' || mime === 'image/heif';

/**
 * Size (after EXIF orientation) and a THUMB_SIZE px JPEG thumbnail, within UPLOAD_LIMITS. The
 * prebuilt sharp ships libheif with the AV1 decoder only: HEVC-coded HEIC from iPhones cannot be
 * decoded, so for those we keep the original, read the size from the HEIF `ispe` box, and make
 * no thumbnail.
 */
export async function renderPhoto(bytes: Buffer, mime: PhotoMime): Promise<Rendered> {
  const sharp = await loadSharp();
  let meta: Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>> | null = null;
  try {
    // Reads the header only; the limits are checked before any pixel is decoded.
    meta = await sharp(bytes, { failOn: 'error', limitInputPixels: false }).metadata();
  } catch (err) {
    if (!isHeif(mime)) throw undecodable(mime, err);
  }
  if (meta) checkImageLimits(mime, meta.width, meta.height, meta.pages);
  try {
    const img = sharp(bytes, { failOn: 'error', limitInputPixels: UPLOAD_LIMITS.image_pixels, sequentialRead: true });
    const thumb = await img
      .rotate()
      .resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 75, mozjpeg: true })
      .toBuffer();
    const swap = (meta?.orientation ?? 1) >= 5;
    return { width: (swap ? meta?.height : meta?.width) ?? null, height: (swap ? meta?.width : meta?.height) ?? null, thumb };
  } catch (err) {
    if (isHeif(mime)) {
      // Kept undecoded only when its structure holds a primary image with a size: a file that
      // merely starts with a HEIF brand (a page, a script) is not a photo.
      const size = heifSize(bytes);
      if (size.width === null || size.height === null) throw undecodable(mime, new Error('no primary image with a size (pitm, iloc, ispe) in its meta box'));
      checkImageLimits(mime, size.width, size.height, 1);
      return { ...size, thumb: null };
    }
    throw undecodable(mime, err);
  }
}

interface Box {
  type: string;
  body: number;
  end: number;
}

/** The boxes between from and to; null when one overruns its parent (a truncated or forged file). */
function boxes(bytes: Buffer, from: number, to: number): Box[] | null {
  const out: Box[] = [];
  let i = from;
  while (i + 8 <= to) {
    let size = bytes.readUInt32BE(i);
    let body = i + 8;
    if (size === 1) {
      if (i + 16 > to) return null;
      const large = bytes.readBigUInt64BE(i + 8);
      if (large > BigInt(to - i)) return null;
      size = Number(large);
      body = i + 16;
    } else if (size === 0) size = to - i;
    if (size < body - i || i + size > to) return null;
    out.push({ type: bytes.toString('latin1', i + 4, i + 8), body, end: i + size });
    i += size;
  }
  return out;
}

/**
 * Size of a HEIF file's picture from its structure: the top-level `meta` box must name a primary
 * item (`pitm`) and locate items (`iloc`); the size is its largest `ispe` (image spatial extent)
 * property, the full picture rather than a tile. Nulls when the structure is not there.
 */
export function heifSize(bytes: Buffer): { width: number | null; height: number | null } {
  const none = { width: null, height: null };
  const meta = boxes(bytes, 0, bytes.length)?.find((b) => b.type === 'meta');
  // meta is a full box: version and flags before its children.
  const children = meta && boxes(bytes, meta.body + 4, meta.end);
  if (!children || !children.some((b) => b.type === 'pitm') || !children.some((b) => b.type === 'iloc')) return none;
  const iprp = children.find((b) => b.type === 'iprp');
  const ipco = iprp && boxes(bytes, iprp.body, iprp.end)?.find((b) => b.type === 'ipco');
  const props = ipco && boxes(bytes, ipco.body, ipco.end);
  let best: { width: number; height: number } | null = null;
  for (const b of props ?? []) {
    if (b.type !== 'ispe' || b.body + 12 > b.end) continue;
    const width = bytes.readUInt32BE(b.body + 4);
    const height = bytes.readUInt32BE(b.body + 8);
    if (width > 0 && height > 0 && (!best || width * height > best.width * best.height)) best = { width, height };
  }
  return best ?? none;
}

let placeholder: Promise<Buffer> | null = null;

/** Grey JPEG served as the thumbnail of a photo that has none. */
export function placeholderThumb(): Promise<Buffer> {
  placeholder ??= loadSharp().then((sharp) => sharp({ create: { width: THUMB_SIZE, height: 240, channels: 3, background: { r: 224, g: 224, b: 224 } } })
    .jpeg({ quality: 60 })
    .toBuffer());
  return placeholder;
}
