import { z } from 'zod';
import { MANUAL_POSITION_REASONS } from '../../db/schema.js';
import { CHINA_BOUNDS } from '../registry/site-input.js';

/** A WGS-84 position from the phone, with its reported accuracy radius in metres. */
export const PositionInput = z.strictObject({
  lat: z.number().min(CHINA_BOUNDS.minLat, 'outside China').max(CHINA_BOUNDS.maxLat, 'outside China'),
  lng: z.number().min(CHINA_BOUNDS.minLng, 'outside China').max(CHINA_BOUNDS.maxLng, 'outside China'),
  accuracyM: z.number().positive().max(100_000),
});
export type PositionInput = z.infer<typeof PositionInput>;

/**
 * No position on the phone (refused, weak signal, indoors): the person confirms they stand at this
 * bin room (its registered position) and says why. Free text is required for 'other'.
 */
export const ManualPositionInput = z
  .strictObject({
    reason: z.enum(MANUAL_POSITION_REASONS, 'required: geolocation_denied, weak_signal, indoor_no_fix or other'),
    note: z.string().trim().max(200).optional(),
  })
  .refine((m) => m.reason !== 'other' || (m.note?.length ?? 0) >= 2, { path: ['note'], message: "required when the reason is 'other'" });
export type ManualPositionInput = z.infer<typeof ManualPositionInput>;

export const CheckinInput = z.strictObject({
  siteId: z.string().min(1).max(64),
  /** From POST /api/photos; required. */
  photoId: z.string().min(1).max(64),
  /** Required unless the bin room's QR plate code is given. */
  position: PositionInput.optional(),
  qrCode: z.string().trim().min(1).max(64).optional(),
  /** The phone's time at capture (an offline check-in is sent later): it decides the window when believable (capture-time.ts), else the server's time. */
  deviceTime: z.iso.datetime({ offset: true }).optional(),
  /** Required when the position is outside the geofence (and no QR plate was scanned). */
  offSiteReason: z.string().trim().min(2).max(200).optional(),
  /** The fallback without GPS or QR: recorded as method 'manual' and flagged for review (manual-position.ts). */
  manual: ManualPositionInput.optional(),
});
export type CheckinInput = z.infer<typeof CheckinInput>;
