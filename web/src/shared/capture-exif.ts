/**
 * The EXIF of a photo's original as the server takes it beside a re-encoded upload: a capture time
 * from 2000 to a day from now and a point on the globe. A camera whose clock was never set (1980,
 * 2000-01-01 before the epoch check) or a corrupt GPS tag would otherwise make the whole upload a
 * 400; such values are left out and the server falls back to its own time and the device's fix.
 */
export function plausibleTakenAt(takenAt: string | null | undefined, now = Date.now()): string | null {
  const t = takenAt ? Date.parse(takenAt) : Number.NaN;
  return t >= Date.UTC(2000, 0, 1) && t <= now + 86_400_000 ? (takenAt as string) : null;
}

/** The EXIF point when both coordinates are numbers within the globe's bounds, else null. */
export function plausiblePoint(lat: number | null | undefined, lng: number | null | undefined): { lat: number; lng: number } | null {
  if (typeof lat !== 'number' || typeof lng !== 'number' || !Number.isFinite(lat) || !Number.isFinite(lng)) return null;
  return Math.abs(lat) <= 90 && Math.abs(lng) <= 180 ? { lat, lng } : null;
}

/** Appends the plausible EXIF of a photo's original to an upload form, under the route's field names. */
export function appendCaptureExif(
  form: FormData,
  names: { takenAt: string; lat: string; lng: string },
  photo: { takenAt?: string | null; lat?: number | null; lng?: number | null },
): void {
  const takenAt = plausibleTakenAt(photo.takenAt);
  if (takenAt) form.append(names.takenAt, takenAt);
  const at = plausiblePoint(photo.lat, photo.lng);
  if (at) {
    form.append(names.lat, String(at.lat));
    form.append(names.lng, String(at.lng));
  }
}
