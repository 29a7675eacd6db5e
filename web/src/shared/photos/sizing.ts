/** Phone-photo limits: long side ≤ 1600 px, ≤ 400 KB JPEG. */
export const MAX_LONG_SIDE = 1600;
export const MAX_BYTES = 400 * 1024;
/** JPEG qualities tried in turn until the file is under the limit. */
export const QUALITY_STEPS = [0.85, 0.78, 0.7, 0.62, 0.54, 0.46, 0.38];

/** Size that fits the long side within `max` keeping the aspect ratio (never upscales). */
export function fitWithin(width: number, height: number, max = MAX_LONG_SIDE): { width: number; height: number } {
  const long = Math.max(width, height);
  if (long <= max) return { width, height };
  const k = max / long;
  return { width: Math.max(1, Math.round(width * k)), height: Math.max(1, Math.round(height * k)) };
}

/**
 * Encodes at decreasing quality until under `maxBytes`; when even the lowest quality is too big,
 * shrinks the image by 20 % and starts again. `encode(scale, quality)` returns the byte size
 * (and the blob) of one attempt, so the search is testable without a canvas.
 */
export async function searchEncoding<B extends { size: number }>(
  encode: (scale: number, quality: number) => Promise<B>,
  maxBytes = MAX_BYTES,
): Promise<{ blob: B; scale: number; quality: number; attempts: number }> {
  let attempts = 0;
  for (let scale = 1; scale > 0.1; scale *= 0.8) {
    for (const quality of QUALITY_STEPS) {
      attempts++;
      const blob = await encode(scale, quality);
      if (blob.size <= maxBytes) return { blob, scale, quality, attempts };
    }
  }
  throw new Error('photo could not be compressed under the limit');
}
