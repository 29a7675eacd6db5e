import type { Grade } from '../../db/schema.js';

/**
 * THE compliance grade rule (red / yellow / green), in one readable place. Pudong grades shops
 * this way and inspects red ones most often; here it applies to every site kind, and the grade
 * sets how many days may pass before the next inspection (see coverage/intervals.ts).
 *
 * Inputs look back LOOKBACK_DAYS (enforcement ENFORCEMENT_LOOKBACK_DAYS).
 *
 *   RED    any enforcement action (rectification order, notice, penalty) in the last 180 days
 *          or two or more failed inspections
 *          or two or more open cases at the site
 *          or the last inspection failed and left an item for someone else to fix that is still open
 *   GREEN  inspected at least once, no failed inspection, no open case and no reported case
 *   YELLOW everything else — including a site never inspected (not yet known to be good)
 *
 * A failure fixed on the spot (self-resolved) still counts as a failed inspection: the problem
 * was there.
 */
export const LOOKBACK_DAYS = 90;
export const ENFORCEMENT_LOOKBACK_DAYS = 180;
export const DEFAULT_GRADE: Grade = 'yellow';

export interface GradeInputs {
  inspections: number;
  failedInspections: number;
  lastInspectionFailed: boolean;
  /** Items the last inspection reported (not fixed on the spot) whose cases are still open. */
  lastInspectionOpenCases: number;
  openCases: number;
  /** Cases reported at the site (not self-resolved, not cancelled or merged). */
  reportedCases: number;
  /** Enforcement documents issued for the site (rectification order, notice, penalty decision). */
  enforcementActions: number;
}

export type GradeReason =
  | 'enforcement_action'
  | 'repeated_failures'
  | 'several_open_cases'
  | 'last_failure_unresolved'
  | 'clean_record'
  | 'not_inspected'
  | 'recent_problems';

export function gradeFor(i: GradeInputs): { grade: Grade; reasons: GradeReason[] } {
  const red: GradeReason[] = [];
  if (i.enforcementActions >= 1) red.push('enforcement_action');
  if (i.failedInspections >= 2) red.push('repeated_failures');
  if (i.openCases >= 2) red.push('several_open_cases');
  if (i.lastInspectionFailed && i.lastInspectionOpenCases >= 1) red.push('last_failure_unresolved');
  if (red.length) return { grade: 'red', reasons: red };
  if (i.inspections >= 1 && i.failedInspections === 0 && i.openCases === 0 && i.reportedCases === 0)
    return { grade: 'green', reasons: ['clean_record'] };
  return { grade: 'yellow', reasons: [i.inspections === 0 ? 'not_inspected' : 'recent_problems'] };
}
