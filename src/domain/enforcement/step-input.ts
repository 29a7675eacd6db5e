import { z } from 'zod';
import { GpsInput } from '../cases/case-input.js';

const id = z.string().min(1).max(64);
const text = z.string().trim().min(1).max(2000);

/** One officer step on the ladder; which fields are required depends on the step (ladder.ts). */
export const StepInput = z.strictObject({
  kind: z.enum(['order', 'reinspection', 'notice', 'prior_notice', 'statement', 'hearing_request', 'hearing', 'decision', 'payment']),
  /** The enforcement case version the client read; stale → 409 stale_version. */
  version: z.number().int().positive(),
  /** The second enforcement officer signing a document. */
  coOfficerId: id.optional(),
  gps: GpsInput.optional(),
  /** When the officer took the step on the phone (it may be sent later from the outbox); kept on the event. */
  deviceAt: z.iso.datetime({ offset: true }).optional(),
  place: z.string().trim().min(1).max(200).optional(),
  note: text.optional(),
  photoIds: z.array(id).max(9).default([]),
  /** 普法: the officer explained the rules on site. */
  educationGiven: z.boolean().optional(),
  /**
   * Service (送达) of the step's document on site: signed = served directly; refused = left on
   * refusal (留置送达), with `refusal`'s witness or photos; absent = NOT served — the party's periods
   * wait for a later service (POST /api/enforcement/documents/:id/service). Not said: signed.
   */
  acknowledgement: z.enum(['signed', 'refused', 'absent']).optional(),
  /** 留置送达: the witness (基层组织或所在单位的代表) and/or photos recording the service. */
  refusal: z
    .strictObject({
      witness: z.string().trim().min(1).max(100).optional(),
      photoIds: z.array(id).max(9).default([]),
    })
    .optional(),
  deadlineAt: z.iso.datetime({ offset: true }).optional(),
  /**
   * The suggested deadline the form showed, and when the server computed it (the ladder's
   * `suggestedDeadlineAt` and `suggestedDeadlineFrom`): choosing it needs no reason even when the
   * step is sent minutes or hours later (a form left open, the outbox).
   */
  suggestedDeadlineAt: z.iso.datetime({ offset: true }).optional(),
  suggestedDeadlineFrom: z.iso.datetime({ offset: true }).optional(),
  /** Why the deadline differs from the one suggested for the category. */
  deadlineReason: text.optional(),
  /** What the officers found (经查), one fact a line: the documents' facts are composed from these. */
  findings: z.array(z.string().trim().min(1).max(300)).max(10).optional(),
  /** The party's statement and defence (陈述、申辩), or its waiver. */
  statement: z
    .strictObject({
      kind: z.enum(['statement', 'waiver']),
      /** written = a signed text received; oral = recorded by the officers (笔录). */
      form: z.enum(['written', 'oral']),
      text: z.string().trim().min(1).max(4000).optional(),
    })
    .optional(),
  /** The hearing record (听证笔录): held by an officer who did not investigate the case. */
  hearing: z
    .strictObject({
      hostId: id,
      heldAt: z.iso.datetime({ offset: true }),
      summary: z.string().trim().min(1).max(4000),
    })
    .optional(),
  /** Whether the decision adopts the party's defence, and why (行政处罚法 art. 45). */
  defence: z.enum(['adopted', 'partly_adopted', 'not_adopted']).optional(),
  defenceReason: text.optional(),
  result: z.enum(['rectified', 'not_rectified']).optional(),
  fineAmount: z.number().int().optional(),
  /** The waste type, where the legal basis bands fines by it (e.g. 'wet', 'hazardous'). */
  wasteType: z.string().trim().min(1).max(40).optional(),
  /** Why a fine departs from the proposed band (still within the legal range). */
  fineReason: text.optional(),
});
export type StepInput = z.input<typeof StepInput>;
