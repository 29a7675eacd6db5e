import { type Expression, type SqlBool, sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { scopeCondition } from '../auth/scope.js';
import { instantCompare } from '../../db/instants.js';
import type { EnforcementCaseTable, EnforcementStepTable } from '../../db/schema.js';
import { addDays, shanghaiDate } from '../calendar/office-hours.js';
import { isWorkingDay, loadOverrides } from '../calendar/working-days.js';
import { endOfShanghaiDay, lastDayOf, periodEnd } from './periods.js';

/**
 * 行政处罚法 (2021) art. 61: a penalty decision not handed over to the party on the spot is served
 * within seven days (by the 民事诉讼法's ways: post, electronic with consent, public notice). The
 * seven days are calendar days counted from the day after the decision was issued; a last day on a
 * rest day moves to the next working day of the subdistrict's calendar (periods.ts). A decision
 * still unserved after that day is overdue for service: the desk sees it until its service is
 * recorded. The limit follows the calendar as it is now, so a holiday entered later moves it too.
 */
export const DECISION_SERVICE_DAYS = 7;

type UnservedStep = Pick<EnforcementStepTable, 'kind' | 'at'>;

/** The instant by which a decision issued at `issuedAt` must be served. */
export async function decisionServiceDue(db: Db, subdistrictId: string, issuedAt: string): Promise<Date> {
  return periodEnd(db, subdistrictId, new Date(issuedAt), DECISION_SERVICE_DAYS, 'calendar');
}

/** Whether the ladder waits on the service of its penalty decision (issued, the party absent, not served since). */
export function awaitsDecisionService(ec: Pick<EnforcementCaseTable, 'stage' | 'unserved_step_id'>, unserved: UnservedStep | null | undefined): unserved is UnservedStep {
  return ec.stage === 'decided' && !!ec.unserved_step_id && unserved?.kind === 'decision';
}

/** The service limit of a ladder's unserved decision, and whether it has passed at `now` (null when no decision awaits service). */
export async function serviceLimit(db: Db, ec: Pick<EnforcementCaseTable, 'subdistrict_id' | 'stage' | 'unserved_step_id'>, unserved: UnservedStep | null | undefined, now: Date) {
  if (!awaitsDecisionService(ec, unserved)) return { serviceDueAt: null, serviceOverdue: false };
  const due = await decisionServiceDue(db, ec.subdistrict_id, unserved.at);
  return { serviceDueAt: due.toISOString(), serviceOverdue: now.getTime() > due.getTime() };
}

/**
 * The last instant of the last issue day whose decisions are overdue for service at `now` in a
 * subdistrict: the limit's last day is non-decreasing in the issue day, so the overdue issue days
 * are every day up to the latest one whose limit ended before today.
 */
export async function overdueIssuedBy(db: Db, subdistrictId: string, now: Date): Promise<string> {
  const today = shanghaiDate(now);
  // A limit never runs more than 60 days past its seventh day (periods.ts nextWorkingDay).
  const overrides = await loadOverrides(db, addDays(today, -(DECISION_SERVICE_DAYS + 70)), addDays(today, 70), subdistrictId);
  const isWorking = (d: string) => isWorkingDay(d, overrides);
  let issued = addDays(today, -(DECISION_SERVICE_DAYS + 1));
  for (let guard = 0; lastDayOf(issued, DECISION_SERVICE_DAYS, 'calendar', isWorking) >= today; guard++) {
    if (guard > 70) throw new Error(`no service limit ending before ${today}`);
    issued = addDays(issued, -1);
  }
  return endOfShanghaiDay(issued).toISOString();
}

/**
 * The condition "its penalty decision is overdue for service at `now`" on a query over
 * `enforcement_cases as e` left-joined to its unserved step as `u`, for the subdistricts given
 * (those the actor sees that hold such a ladder).
 */
export async function serviceOverdueCondition(db: Db, subdistrictIds: readonly string[], now: Date): Promise<Expression<SqlBool>> {
  if (!subdistrictIds.length) return sql<SqlBool>`1 = 0`;
  const parts = await Promise.all(subdistrictIds.map(async (s) => sql<SqlBool>`(e.subdistrict_id = ${s} and ${instantCompare(db, 'u.at', '<=', await overdueIssuedBy(db, s, now))})`));
  return sql<SqlBool>`(e.stage = 'decided' and u.kind = 'decision' and (${sql.join(parts, sql` or `)}))`;
}

/**
 * serviceOverdueCondition for what `actor` sees: over the subdistricts in its scope that hold a
 * decided ladder waiting on a service. The desk's overdue_service view and its count both use it,
 * so the two agree.
 */
export async function serviceOverdueInScope(db: Db, actor: Actor, now: Date): Promise<Expression<SqlBool>> {
  const holding = await db.selectFrom('enforcement_cases as e').select('e.subdistrict_id').distinct()
    .where(scopeCondition(actor, 'e.subdistrict_id', 'e.committee_id')).where('e.stage', '=', 'decided').where('e.unserved_step_id', 'is not', null).execute();
  return serviceOverdueCondition(db, holding.map((h) => h.subdistrict_id), now);
}
