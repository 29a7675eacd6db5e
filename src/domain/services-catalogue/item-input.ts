import { z } from 'zod';
import { ITEM_CHANNELS, ITEM_MODES } from '../../db/schema.js';
import { CalendarDay } from '../calendar/day-schema.js';

/**
 * Control characters (tab and line breaks aside) cannot be written to a workbook cell and read back:
 * the catalogue's text refuses them, so export → import changes nothing.
 */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const noControl = (t: z.ZodString) => t.refine((v) => !CONTROL.test(v), 'control characters are not allowed');

/** A required material of a guide (申请材料): original or copy, how many, exempt via 电子证照, 容缺 allowed. */
export const MaterialSpec = z.strictObject({
  name: noControl(z.string().trim().min(1).max(200)),
  form: z.enum(['original', 'copy', 'original_and_copy']),
  copies: z.number().int().min(0).max(20).default(1),
  /** May be skipped when the 电子证照 library holds it. */
  eLicenceExempt: z.boolean().default(false),
  /** 容缺受理: the office may accept without it and take it later. */
  deferrable: z.boolean().default(false),
  note: noControl(z.string().trim().max(500)).default(''),
  /** Asked for only when an agent files (代办): the authorisation and the agent's ID. */
  proxyOnly: z.boolean().optional(),
});
export type MaterialSpec = z.output<typeof MaterialSpec>;

/** A step of the procedure (办理流程) and whether its time counts toward the statutory limit. */
export const StepSpec = z.strictObject({
  // The workbook writes a step as one line, `name|days|计入`: a name keeps to one line without a bar.
  name: noControl(z.string().trim().min(1).max(100)).refine((v) => !/[|｜\r\n\t]/.test(v), 'no | or line breaks in a step name'),
  days: z.number().int().min(0).max(365),
  countsTowardLimit: z.boolean().default(true),
});
export type StepSpec = z.output<typeof StepSpec>;

const text = (max: number) => noControl(z.string().trim().max(max));

/**
 * The fee of an item that charges nothing: the catalogue's word for it (what the 办事指南 and its
 * workbooks write), stored as is; a public page shows it in its reader's language ('Free').
 */
export const FEE_FREE = '不收费';

/** The fields of a published 办事指南 that change from version to version. */
export const GuideInput = z
  .strictObject({
    nameZh: noControl(z.string().trim().min(1).max(200)),
    nameEn: text(300).default(''),
    itemType: noControl(z.string().trim().min(1).max(40)),
    department: noControl(z.string().trim().min(1).max(100)),
    legalBasis: text(4000).default(''),
    conditions: text(4000).default(''),
    materials: z.array(MaterialSpec).max(60).default([]),
    steps: z.array(StepSpec).max(30).default([]),
    /** Working days; 即办 = 0. */
    legalLimitDays: z.number().int().min(0).max(365),
    promisedLimitDays: z.number().int().min(0).max(365),
    fee: text(500).default(FEE_FREE),
    placesHours: text(1000).default(''),
    visits: z.union([z.literal(0), z.literal(1)]),
    citywide: z.boolean().default(false),
    mode: z.enum(ITEM_MODES).default('direct'),
    channels: z.array(z.enum(ITEM_CHANNELS)).min(1).max(4),
    assistAllowed: z.boolean().default(false),
    proxyAllowed: z.boolean().default(false),
    consultPhone: text(40).default(''),
    complaintPhone: text(40).default(''),
    faq: text(4000).default(''),
    /** From this date (Asia/Shanghai) on, new records use this version. */
    effectiveFrom: CalendarDay,
  })
  .refine((g) => g.promisedLimitDays <= g.legalLimitDays, { path: ['promisedLimitDays'], message: 'must not exceed the statutory limit' });
export type GuideInput = z.input<typeof GuideInput>;

export const ItemInput = z.strictObject({
  categoryId: z.string().min(1).max(64),
  /** 基本编码 (national basic directory) and 实施编码 (this implementation); each unique. */
  basicCode: z.string().trim().min(4).max(40).regex(/^[0-9A-Za-z-]+$/, 'letters, digits and dashes only'),
  implCode: z.string().trim().min(4).max(60).regex(/^[0-9A-Za-z-]+$/, 'letters, digits and dashes only'),
  sortOrder: z.number().int().min(0).max(100_000).default(0),
  guide: GuideInput,
});
export type ItemInput = z.input<typeof ItemInput>;

export const VersionInput = z.strictObject({
  /** The latest version the editor read; a newer one gets stale_version. */
  baseVersion: z.number().int().positive(),
  guide: GuideInput,
});
export type VersionInput = z.input<typeof VersionInput>;
