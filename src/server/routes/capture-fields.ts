import { z } from 'zod';
import { invalidField } from '../../domain/shared/errors.js';

/**
 * The EXIF of a photo's original sent beside it by a client that re-encoded the photo (the field
 * app, the public report page): its capture time and GPS, bounded so that a camera clock never
 * set, a forged year or a number beyond the globe is refused (400 naming the field) rather than
 * stored wrong or failing the database.
 */
export const CAPTURE_EARLIEST = '2000-01-01T00:00:00Z';
/** How far past the server's clock a capture time may lie (skewed phone clocks). */
export const CAPTURE_AHEAD_MS = 86_400_000;

export const CAPTURE_TIME_REASON = 'must be an ISO 8601 time with an offset, from 2000 to a day from now';
export const LATITUDE_REASON = 'must be a latitude from -90 to 90';
export const LONGITUDE_REASON = 'must be a longitude from -180 to 180';

const Iso = z.iso.datetime({ offset: true });

/** A capture time: a real ISO 8601 instant (with an offset) from 2000 to a day past now. */
export const captureTime = (now: Date) =>
  z.string().refine((v) => {
    if (!Iso.safeParse(v).success) return false;
    const t = Date.parse(v);
    return Number.isFinite(t) && t >= Date.parse(CAPTURE_EARLIEST) && t <= now.getTime() + CAPTURE_AHEAD_MS;
  }, CAPTURE_TIME_REASON);
export const latitude = z.coerce.number({ error: LATITUDE_REASON }).min(-90, LATITUDE_REASON).max(90, LATITUDE_REASON);
export const longitude = z.coerce.number({ error: LONGITUDE_REASON }).min(-180, LONGITUDE_REASON).max(180, LONGITUDE_REASON);

export interface CaptureExif {
  takenAt: string | null;
  lat: number | null;
  lng: number | null;
}

/**
 * Parses the EXIF fields of an upload, named as the route names them; any other field is refused.
 * Empty values count as absent. The time comes back as a UTC ISO string.
 */
export function parseCaptureExif(now: Date, names: { takenAt: string; lat: string; lng: string }, fields: Record<string, string | undefined>): CaptureExif {
  const schema = z
    .strictObject({ [names.takenAt]: captureTime(now).optional(), [names.lat]: latitude.optional(), [names.lng]: longitude.optional() })
    .refine((f) => (f[names.lat] === undefined) === (f[names.lng] === undefined), {
      message: `send ${names.lat} and ${names.lng} together`,
      path: [names.lng],
    });
  const plain = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(plain);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    if (issue.code === 'unrecognized_keys') throw invalidField(issue.keys[0] ?? 'exif', `unknown field ${issue.keys.join(', ')}`);
    throw invalidField(String(issue.path[0] ?? 'exif'), issue.message);
  }
  const f = parsed.data as Record<string, string | number | undefined>;
  const takenAt = f[names.takenAt] as string | undefined;
  return { takenAt: takenAt ? new Date(takenAt).toISOString() : null, lat: (f[names.lat] as number | undefined) ?? null, lng: (f[names.lng] as number | undefined) ?? null };
}
