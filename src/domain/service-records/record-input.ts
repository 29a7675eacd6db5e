import { z } from 'zod';
import { ASSIST_ROLES, DELIVERIES } from '../../db/schema.js';
import { isResidentIdNumber } from './masking.js';

const id = z.string().min(1).max(64);
/**
 * A document number: letters and digits. Seventeen digits and a check character is a number of the
 * GB 11643 form (resident ID cards, and the residence permits of Hong Kong, Macao and Taiwan
 * residents and foreigners' permanent residence cards built on it): its check character must match,
 * or a number typed wrong at the window would be recorded (and never match the person again).
 */
const idNumber = z
  .string()
  .trim()
  .toUpperCase()
  .min(6)
  .max(30)
  .regex(/^[0-9A-Z]+$/, 'letters and digits only')
  .refine((v) => !/^\d{17}[\dX]$/.test(v) || isResidentIdNumber(v), 'not a valid resident ID number: the check character does not match');

export const PersonInput = z.strictObject({
  name: z.string().trim().min(1).max(60),
  idNumber,
  phone: z.string().trim().regex(/^[0-9+-]{5,20}$/, 'digits only').nullable().default(null),
});

export const MaterialReceipt = z.strictObject({
  /** Index into the item version's materials list. */
  index: z.number().int().min(0).max(59),
  received: z.boolean(),
  /** 容缺: accepted without it, to be supplied later (only where the guide allows). */
  deferred: z.boolean().default(false),
});

export const RecordInput = z.strictObject({
  pointId: id,
  itemId: id,
  applicant: PersonInput,
  /** 代办: the agent filing on the applicant's behalf, with the authorisation (委托书) reference. */
  agent: PersonInput.nullable().default(null),
  authorizationRef: z.string().trim().min(1).max(100).nullable().default(null),
  /** 帮办 (staff assist the applicant) or 代办 (filed on their behalf). */
  assistRole: z.enum(ASSIST_ROLES).default('none'),
  materials: z.array(MaterialReceipt).max(60).default([]),
  appointmentId: id.nullable().default(null),
  ticketId: id.nullable().default(null),
});
export type RecordInput = z.input<typeof RecordInput>;

export const RecordStepInput = z.strictObject({
  version: z.number().int().positive(),
  action: z.enum(['hand_off', 'return', 'complete', 'not_accept', 'send_back', 'deliver']),
  reason: z.string().trim().min(1).max(1000).optional(),
  delivery: z.enum(DELIVERIES).optional(),
});
export type RecordStepInput = z.input<typeof RecordStepInput>;

export const RevealInput = z.strictObject({
  field: z.enum(['applicant', 'agent']),
  reason: z.string().trim().min(2).max(200),
});
export type RevealInput = z.input<typeof RevealInput>;
