import type { Db } from '../../db/index.js';
import type { CaseStatus, CaseTable } from '../../db/schema.js';
import type { CaseAction } from '../cases/lifecycle.js';
import { remindAtFor } from '../cases/stage-deadlines.js';

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
 * applies it after them). The 差评's deadline runs from the rating (badRatingDays working days from
 * when it was given, submitRating) and never starts again: whenever the handling stage starts — the
 * desk's first dispatch of a case it had to file, 改派, a failed check, a dispatch after a reopen —
 * its deadline is the one the case already carries (a hold's release, an approved extension or a
 * calendar change moved it, each with its event), or else the rating's own. A slow desk, a
 * re-dispatch or a rework does not buy time the rater was promised; the category's hours never
 * apply. A reopen takes back the on-time mark, so the case is open again for the board, the KPI and
 * the ranking until its next handling decides it.
 */
export async function badRatingCaseColumns(
  db: Db, c: Pick<CaseTable, 'id' | 'handle_due_at'>, action: CaseAction, rule: { to: CaseStatus; restartsStage: boolean }, now: Date,
): Promise<Partial<CaseTable>> {
  if (action === 'reopen') return { handled_on_time: null };
  if (!rule.restartsStage || rule.to !== 'dispatched') return {};
  const due = c.handle_due_at ?? (await ratingDueAt(db, c.id));
  if (!due) return {};
  return { stage_due_at: due, handle_due_at: due, remind_at: Date.parse(due) > now.getTime() ? remindAtFor(now, new Date(due)).toISOString() : null };
}

/** The deadline the rating set for its follow-up (service_rating_followups.due_at), null for a case of no 差评. */
async function ratingDueAt(db: Db, caseId: string): Promise<string | null> {
  const f = await db.selectFrom('service_rating_followups').select('due_at').where('case_id', '=', caseId).executeTakeFirst();
  return f?.due_at ?? null;
}
