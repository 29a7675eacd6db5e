import { z } from 'zod';
import { CalendarDay } from '../calendar/day-schema.js';

const id = z.string().min(1).max(64);
const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM');
/** A mainland mobile number: 11 digits starting 13–19 (spaces and dashes people type are dropped). */
export const MobilePhone = z
  .string()
  .transform((s) => s.replace(/[\s-]/g, ''))
  .pipe(z.string().regex(/^1[3-9]\d{9}$/, 'not a mobile number (11 digits starting with 1)'));

/** A booking from the public page: phone first, no account. */
export const BookingInput = z.strictObject({
  pointId: id,
  itemId: id,
  day: CalendarDay,
  starts: HHMM,
  phone: MobilePhone,
  name: z.string().trim().min(1).max(40),
});
export type BookingInput = z.input<typeof BookingInput>;

export const WalkInInput = z.strictObject({ pointId: id, itemId: id });
export type WalkInInput = z.input<typeof WalkInInput>;

export const CallNextInput = z.strictObject({
  pointId: id,
  /** The window calling, as shown on the hall's screen (e.g. "2号窗口"). */
  window: z.string().trim().min(1).max(20).optional(),
  /** Call only tickets of these prefixes (a window serving some categories only). */
  prefixes: z.array(z.string().regex(/^[A-Z]{1,2}$/, 'a ticket prefix is one or two capital letters')).min(1).max(20).optional(),
});
export type CallNextInput = z.input<typeof CallNextInput>;

export const FinishInput = z.strictObject({ recordId: id.optional() });

/** The applicant at the window needs another item than the ticket was taken for. */
export const SwitchItemInput = z.strictObject({ itemId: id });
export type SwitchItemInput = z.input<typeof SwitchItemInput>;

/** 过号重呼: the window recalling a skipped ticket whose holder came back. */
export const RecallInput = z.strictObject({ window: z.string().trim().min(1).max(20).optional() });
export type RecallInput = z.input<typeof RecallInput>;
export type FinishInput = z.input<typeof FinishInput>;
