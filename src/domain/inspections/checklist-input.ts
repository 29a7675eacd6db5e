import { z } from 'zod';
import { SITE_KINDS } from '../../db/schema.js';

export const ChecklistItemInput = z.strictObject({
  code: z.string().trim().regex(/^[A-Z0-9_-]{2,32}$/, 'expected 2–32 of A–Z, 0–9, _ or -'),
  text: z.string().trim().min(1).max(200),
  textEn: z.string().trim().min(1).max(200),
  photoRequiredOnFail: z.boolean().default(true),
});

export const ChecklistInput = z.strictObject({
  subdistrictId: z.string().min(1),
  siteKind: z.enum(SITE_KINDS),
  name: z.string().trim().min(1).max(100),
  nameEn: z.string().trim().min(1).max(100),
  items: z
    .array(ChecklistItemInput)
    .min(1)
    .max(60)
    .refine((xs) => new Set(xs.map((x) => x.code)).size === xs.length, 'item codes must be unique'),
});
export type ChecklistInput = z.infer<typeof ChecklistInput>;
