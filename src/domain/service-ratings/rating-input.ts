import { z } from 'zod';
import { CONTACT_CHANNELS, CONTACT_OUTCOMES, FEEDBACK_LEVELS, RATING_CHANNELS, RESOLUTIONS } from '../../db/schema.js';

/** 国办发〔2019〕51号: five levels, ★5 非常满意 … ★1 非常不满意; ★1 and ★2 are 差评. */
export const RATING_LEVELS = [
  { level: 5, zh: '非常满意', en: 'Very satisfied' },
  { level: 4, zh: '满意', en: 'Satisfied' },
  { level: 3, zh: '基本满意', en: 'Fairly satisfied' },
  { level: 2, zh: '不满意', en: 'Dissatisfied' },
  { level: 1, zh: '非常不满意', en: 'Very dissatisfied' },
] as const;
export const BAD_RATING_MAX_LEVEL = 2;
export const isBadRating = (level: number) => level <= BAD_RATING_MAX_LEVEL;

/** Sub-scores of the national scheme for on-site service (整体满意度 is the level itself). */
export const SUB_SCORES = ['efficiency', 'skill', 'attitude'] as const;

const score = z.number().int().min(1).max(5);

export const RatingInput = z.strictObject({
  level: score,
  scores: z.strictObject({ efficiency: score.optional(), skill: score.optional(), attitude: score.optional() }).default({}),
  comment: z.string().trim().max(500).nullable().default(null),
  channel: z.enum(RATING_CHANNELS).default('qr'),
  /** Anonymous ratings count, but the 100 % follow-up KPI is about named (实名) ones. */
  anonymous: z.boolean().default(false),
});
export type RatingInput = z.input<typeof RatingInput>;

/** One 回访 contact with the rater: how (default a call), whether they were reached, what was said. */
export const CallbackInput = z.strictObject({
  note: z.string().trim().min(2).max(2000),
  channel: z.enum(CONTACT_CHANNELS).default('phone'),
  outcome: z.enum(CONTACT_OUTCOMES).default('reached'),
});
export const ResolveInput = z.strictObject({
  version: z.number().int().positive(),
  resolution: z.enum(RESOLUTIONS),
  note: z.string().trim().min(2).max(2000),
  photoIds: z.array(z.string().min(1).max(64)).min(1).max(9),
});
export const AppealInput = z.strictObject({ reason: z.string().trim().min(5).max(2000) });
export const AppealDecisionInput = z.strictObject({ upheld: z.boolean(), note: z.string().trim().max(2000).optional() });
export const FeedbackInput = z.strictObject({ feedback: z.enum(FEEDBACK_LEVELS) });
