import { z } from 'zod';
import { ANSWER_RESULTS, FAIL_RESOLUTIONS } from '../../db/schema.js';
import { PositionInput } from '../checkins/checkin-input.js';

const id = z.string().min(1).max(64);
const photoIds = z.array(id).max(9);

export const AnswerInput = z.strictObject({
  itemId: id,
  result: z.enum(ANSWER_RESULTS),
  note: z.string().trim().max(500).optional(),
  /** The problem as found; required on fail when the item says so. */
  photoIds: photoIds.default([]),
  /** On fail: fixed on the spot (a closed, self-resolved case) or reported (a case into the loop). */
  resolution: z.enum(FAIL_RESOLUTIONS).optional(),
  /** After photos: required when fixed on the spot. */
  afterPhotoIds: photoIds.default([]),
  /** Catalogue working standard for the case; defaults from the item code. */
  categoryId: id.optional(),
  description: z.string().trim().min(1).max(2000).optional(),
});
export type AnswerInput = z.output<typeof AnswerInput>;

export const InspectionInput = z.strictObject({
  siteId: id,
  /** The exact checklist version the form showed. */
  checklistId: id,
  answers: z.array(AnswerInput).min(1).max(60),
  position: PositionInput.optional(),
  note: z.string().trim().max(1000).optional(),
  deviceTime: z.iso.datetime({ offset: true }).optional(),
});
export type InspectionInput = z.input<typeof InspectionInput>;
