import { DomainError } from './errors.js';

/**
 * Limits on what an uploaded file may make the server do. Each has a stable name reported in
 * `details.limit` of a 413 `upload_limit_exceeded`, so a client (or a person) knows which one it
 * hit. The numbers are sized so that four of the largest allowed uploads at once stay well inside
 * the process heap (see docs/security.md, "Uploads").
 */
export const UPLOAD_LIMITS = {
  /** Bytes one zip part (a sheet, the shared strings) may inflate to. */
  zip_part_uncompressed_bytes: 32 * 1024 * 1024,
  /** Bytes all the parts we read may inflate to together. */
  zip_total_uncompressed_bytes: 64 * 1024 * 1024,
  /** Inflated ÷ compressed bytes of a part, checked once it passes ZIP_RATIO_FLOOR_BYTES. */
  zip_compression_ratio: 100,
  /**
   * Bytes of XML between two tags (a text node, a tag with its attributes, a comment). The SAX
   * parser buffers one such run whole; no legitimate cell comes near this.
   */
  xml_node_bytes: 64 * 1024,
  /** Entries in the zip's central directory. */
  zip_entries: 10_000,
  /** Data rows below the header (larger files belong to a bulk migration, not a ledger upload). */
  sheet_rows: 20_000,
  /** Highest column (1-based) holding a value. */
  sheet_columns: 256,
  /** Characters in one cell or one shared string. */
  cell_chars: 4_000,
  /** Entries in the shared-string table. */
  shared_strings: 400_000,
  /** Decoded pixels of one image (width × height). */
  image_pixels: 50_000_000,
  /** Pixels of the longer side of an image. */
  image_dimension: 16_384,
  /** Frames (pages) of one image: a photo is one picture, not an animation. */
  image_frames: 1,
} as const;

export type UploadLimit = keyof typeof UPLOAD_LIMITS;

/** Small parts may compress extremely well (an empty sheet); the ratio matters only for large ones. */
export const ZIP_RATIO_FLOOR_BYTES = 1024 * 1024;

/** 413 upload_limit_exceeded naming the limit, its maximum and where it was hit. */
export function limitExceeded(limit: UploadLimit, where: Record<string, unknown> = {}, max: number = UPLOAD_LIMITS[limit]): DomainError {
  return new DomainError('upload_limit_exceeded', `file: exceeds the limit ${limit} (at most ${max})`, { field: 'file', limit, max, ...where });
}
