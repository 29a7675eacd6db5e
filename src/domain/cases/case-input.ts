import { z } from 'zod';
import { DomainError } from '../shared/errors.js';
import { CASE_SOURCES } from '../../db/schema.js';
import { CASE_ACTIONS } from './lifecycle.js';

/** Rough bounding box of the People's Republic of China (WGS-84); coordinates outside are refused. */
export const CHINA_BOUNDS = { minLng: 73.4, maxLng: 135.1, minLat: 3.8, maxLat: 53.6 };
export const insideChina = (lng: number, lat: number) =>
  lng >= CHINA_BOUNDS.minLng && lng <= CHINA_BOUNDS.maxLng && lat >= CHINA_BOUNDS.minLat && lat <= CHINA_BOUNDS.maxLat;

const lng = z.number().min(CHINA_BOUNDS.minLng, 'outside China').max(CHINA_BOUNDS.maxLng, 'outside China');
const lat = z.number().min(CHINA_BOUNDS.minLat, 'outside China').max(CHINA_BOUNDS.maxLat, 'outside China');
const id = z.string().min(1).max(64);
const text = z.string().trim().min(1).max(2000);
const photoIds = z.array(id).max(9);
const instant = z.iso.datetime({ offset: true });

export const GpsInput = z.strictObject({ lng, lat, accuracy: z.number().min(0).max(100_000).optional() });
export type GpsInput = z.infer<typeof GpsInput>;

export const ReportInput = z.strictObject({
  source: z.enum(CASE_SOURCES),
  categoryId: id,
  /** The site (bin room, unit, shop) the problem is at; committee and grid follow from it. */
  siteId: id.optional(),
  /** Required when there is no site. */
  committeeId: id.optional(),
  gridId: id.optional(),
  lng,
  lat,
  accuracy: z.number().min(0).max(100_000).optional(),
  description: text,
  /** Before photos (the problem as found). */
  photoIds: photoIds.default([]),
  /** After photos: self-resolved cases only. */
  afterPhotoIds: photoIds.default([]),
  deviceAt: instant.optional(),
});
export type ReportInput = z.input<typeof ReportInput>;

export const TransitionInput = z.strictObject({
  action: z.enum(CASE_ACTIONS),
  /** The case version the client read; a stale one gets 409 stale_version. */
  version: z.number().int().positive(),
  note: text.optional(),
  reason: text.optional(),
  photoIds: photoIds.optional(),
  unitId: id.optional(),
  userId: id.optional(),
  dueAt: instant.optional(),
  targetCaseId: id.optional(),
  deviceAt: instant.optional(),
  gps: GpsInput.optional(),
});
export type TransitionInput = z.input<typeof TransitionInput>;

/** Parses input for callers that bypass HTTP validation; failures become validation_failed naming the field. */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const fields = r.error.issues.map((i) => ({ field: i.path.map(String).join('.') || 'body', reason: i.message }));
  throw new DomainError('validation_failed', `${fields[0]?.field}: ${fields[0]?.reason}`, { fields });
}
