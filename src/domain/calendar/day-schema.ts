import { z } from 'zod';
import { isRealDate } from './office-hours.js';

/**
 * A calendar day as YYYY-MM-DD that exists: 2026-02-30 or 2026-13-01 is a 400 naming its field,
 * never stored and never a 500 from the date arithmetic behind it. The shape is checked first
 * (`invalid_format`), then the date (`expected a real calendar date`).
 */
export const CalendarDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'expected YYYY-MM-DD', abort: true })
  .refine(isRealDate, { message: 'expected a real calendar date YYYY-MM-DD' });
