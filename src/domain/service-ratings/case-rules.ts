import type { Db } from '../../db/index.js';
import type { CaseStatus, CaseTable } from '../../db/schema.js';
import type { CaseAction } from '../cases/lifecycle.js';
import { remindAtFor } from '../cases/stage-deadlines.js';
import { dueAfterWorkingDays } from '../service-records/due-dates.js';
import { serviceSettings } from './settings.js';

/** The desk steps badRatingBars may bar: any other step of a 差评's case needs no look. */
export const BAD_RATING_BARRED: readonly CaseAction[] = ['cancel', 'merge', 'reopen'];

/**
 * The desk steps a 差评 follow-up case does not take, each with why (empty: not a 差评's case). A
 * 差评 leaves the loop by its handling, checked and closed, or voided on appeal by a second person
 * (decideAppeal): a desk's 注销 or merge alone would end the follow-up without that review, and the
 * services board (which counts open cases) and the KPI (which counts the named 差评 not followed up)
 * would part ways over it. A case cancelled because its rating was voided stays cancelled: nothing
 * would count it again.
 */
export async function badRatingBars(db: Db, caseId: string): Promise<Map<CaseAction, string>> {
  const r = await db
    .selectFrom('service_rating_followups as f')
    .innerJoin('service_ratings as r', 'r.id', 'f.rating_id')
    .select('r.voided_at')
    .where('f.case_id', '=', caseId)
    .executeTakeFirst();
  const bars = new Map<CaseAction, string>();
  if (!r) return bars;
  const onAppealOnly = 'a 差评 is voided only on appeal, with a second person\'s review';
  bars.set('cancel', onAppealOnly).set('merge', onAppealOnly);
  if (r.voided_at) bars.set('reopen', 'the 差评 was voided on appeal');
  return bars;
}

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
