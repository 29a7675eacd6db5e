import type { Db } from '../../db/index.js';
import type { CaseStatus, CaseTable } from '../../db/schema.js';
import type { CaseAction } from '../cases/lifecycle.js';
import { remindAtFor } from '../cases/stage-deadlines.js';
import { dueAfterWorkingDays } from '../service-records/due-dates.js';
import { serviceSettings } from './settings.js';

/**
 * What a lifecycle step changes on a 差评 follow-up case beyond the common rules (transitionCase
 * applies it after them): each time its handling stage starts again — a dispatch after a reopen,
 * 改派, a failed check — the deadline is the subdistrict's 差评 limit (badRatingDays working days,
 * as when the rating opened it), not the category's hours; a reopen takes back the on-time mark,
 * so the case is open again for the board, the KPI and the ranking until its next handling decides it.
 */
export async function badRatingCaseColumns(
  db: Db, c: Pick<CaseTable, 'subdistrict_id'>, action: CaseAction, rule: { to: CaseStatus; restartsStage: boolean }, now: Date,
): Promise<Partial<CaseTable>> {
  if (action === 'reopen') return { handled_on_time: null };
  if (!rule.restartsStage || rule.to !== 'dispatched') return {};
  const { badRatingDays } = await serviceSettings(db, c.subdistrict_id);
  const due = await dueAfterWorkingDays(db, now, badRatingDays, c.subdistrict_id);
  return { stage_due_at: due.toISOString(), handle_due_at: due.toISOString(), remind_at: remindAtFor(now, due).toISOString() };
}
