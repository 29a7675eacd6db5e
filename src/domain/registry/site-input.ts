import { z } from 'zod';
import { PARTY_KINDS, SITE_KINDS } from '../../db/schema.js';

/** Mainland China's extent, generously: positions outside it are rejected as wrong, not stored. */
export const CHINA_BOUNDS = { minLng: 73.4, maxLng: 135.1, minLat: 18.1, maxLat: 53.6 } as const;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM');

const byStart = (xs: [string, string][]) => [...xs].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));

/**
 * A bin room's disposal windows (定时定点), stored in the order of the day. They may touch
 * (07:00–09:00, 09:00–11:00) but not overlap or repeat: a check-in belongs to exactly one window
 * (windowAt takes the first that holds it), so an overlap would leave the other window missed.
 */
export const DisposalHours = z
  .array(z.tuple([hhmm, hhmm]))
  .max(6)
  .refine((xs) => xs.every(([a, b]) => a < b), 'each window must start before it ends')
  .overwrite(byStart)
  .refine((xs) => xs.some(([a, b]) => a >= b) || xs.every(([start], i) => i === 0 || start >= xs[i - 1]![1]), 'windows must not overlap: each starts at or after the end of the one before');

export const ResponsiblePartyInput = z.strictObject({
  name: z.string().trim().min(1).max(100),
  kind: z.enum(PARTY_KINDS),
  contactName: z.string().trim().max(50).nullish(),
  contactPhone: z
    .string()
    .trim()
    .regex(/^[0-9+\- ]{5,20}$/, 'expected a phone number')
    .nullish(),
});

export const SiteInput = z.strictObject({
  kind: z.enum(SITE_KINDS),
  name: z.string().trim().min(1).max(100),
  address: z.string().trim().min(1).max(200),
  committeeId: z.string().min(1),
  gridCode: z
    .string()
    .regex(/^[0-9A-Za-z]{15}$/, 'grid code is 15 characters')
    .nullish(),
  lng: z.number().min(CHINA_BOUNDS.minLng, 'outside China').max(CHINA_BOUNDS.maxLng, 'outside China'),
  lat: z.number().min(CHINA_BOUNDS.minLat, 'outside China').max(CHINA_BOUNDS.maxLat, 'outside China'),
  disposalHours: DisposalHours.nullish(),
  qrCode: z.string().trim().min(4).max(64).nullish(),
  responsibleParty: ResponsiblePartyInput.nullish(),
});
export type SiteInput = z.infer<typeof SiteInput>;

export const SitePatch = SiteInput.omit({ kind: true }).partial().extend({ version: z.number().int().positive() });
export type SitePatch = z.infer<typeof SitePatch>;
