import { z } from 'zod';
import { CATEGORY_LEVELS, CHECK_BY, HANDLING_UNIT_KINDS, LIMIT_MODES, SEVERITIES, SITE_KINDS } from '../../db/schema.js';

const hours = z.number().positive().max(24 * 365);

export const CategoryInput = z.strictObject({
  subdistrictId: z.string().min(1),
  parentId: z.string().min(1).nullable().default(null),
  level: z.enum(CATEGORY_LEVELS),
  code: z.string().trim().regex(/^[A-Z0-9][A-Z0-9._-]{0,31}$/, 'letters, digits, . _ -'),
  nameZh: z.string().trim().min(1).max(100),
  nameEn: z.string().trim().min(1).max(200),
  defaultUnitKind: z.enum(HANDLING_UNIT_KINDS).nullable().default(null),
  fileHours: hours,
  dispatchHours: hours,
  handleHours: hours,
  checkHours: hours,
  limitMode: z.enum(LIMIT_MODES),
  severity: z.enum(SEVERITIES),
  siteKinds: z.array(z.enum(SITE_KINDS)).max(3).default([]),
  sortOrder: z.number().int().min(0).max(10000).default(0),
  /** Who checks a handled case by default: the reporter, the committee's cadre/patrol, or the operations desk. */
  checkBy: z.enum(CHECK_BY).default('reporter'),
});
export type CategoryInput = z.infer<typeof CategoryInput>;

export const CategoryPatch = CategoryInput.omit({ subdistrictId: true, parentId: true, level: true })
  .partial()
  .extend({ active: z.boolean().optional(), version: z.number().int().positive() });
export type CategoryPatch = z.infer<typeof CategoryPatch>;
