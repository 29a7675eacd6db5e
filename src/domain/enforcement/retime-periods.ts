import { PostgresAdapter } from 'kysely';
import type { Db } from '../../db/index.js';
import { instantCompare } from '../../db/instants.js';
import type { EnforcementCaseTable } from '../../db/schema.js';
import { addDays, shanghaiDate } from '../calendar/office-hours.js';
import { isWorkingDay, loadOverrides } from '../calendar/working-days.js';
import { SYSTEM_ACTOR, appendCaseEvent } from '../cases/events.js';
import type { Clock } from '../shared/clock.js';
import { computeDueAt, remainingLimitMs } from '../calendar/deadlines.js';
import { type DocumentContent, zhDateTime } from './document-content.js';
import { lastDayOf, periodEnd, type PeriodUnit } from './periods.js';
import { servedAtOf } from './service.js';

/**
 * The penalty procedure's periods follow the calendar (DOMAIN.md §4): when working days change,
 * every period still running over a changed day — the statement and defence period (陈述申辩),
 * the hearing-request period, the payment period — ends again where `periodEnd` puts it on the new
 * calendar, counted from the step that started it (the prior notice, the decision) with the days
 * it was served with. A calendar-day period (payment) moves only when its last day stops being a
 * working day (periods.ts: it then runs to the next one). Each moved ladder gets a system event on
 * its linked case's chain with the ends before and after and the reason.
 *
 * Two limits protect the party, who holds the period's end in writing: a period never ends before
 * the end its document announced (a make-up workday entered later does not shorten a served
 * period), and a running period is never moved to an end already past. A period already over is
 * not moved.
 *
 * The rectification deadline of an order or notice (责令改正期限, suggested in working days) is
 * re-timed the same way a case's stage is: the working time it had left on the old calendar runs
 * again on the new one, and the re-inspection it triggers (reinspect_at) follows it. It too never
 * ends before the deadline the document states: the party never gets less time than the paper says.
 */
type PeriodField = 'statement_ends_at' | 'hearing_request_ends_at' | 'payment_due_at';

const CHANGE_KEY: Record<PeriodField, string> = { statement_ends_at: 'statementEndsAt', hearing_request_ends_at: 'hearingRequestEndsAt', payment_due_at: 'paymentDueAt' };
const ZH: Record<PeriodField, string> = { statement_ends_at: '陈述申辩期限', hearing_request_ends_at: '听证申请期限', payment_due_at: '罚款缴纳期限' };

/** Stages in which the statement and hearing-request periods still govern the next step. */
const HEARD_STAGES = ['prior_noticed', 'hearing_requested', 'heard'] as const;

interface RunningPeriod {
  field: PeriodField;
  servedAt: string;
  days: number;
  unit: PeriodUnit;
  before: string;
  /** The end the served document states (null when it states none). */
  announced: string | null;
}

/** A rectification deadline running over a changed day: the working time it had left after `from`. */
interface RunningDeadline {
  from: string;
  leftMs: number;
  before: string;
  announced: string | null;
  /** The re-inspection is still to be dispatched at the deadline (it moves with it). */
  reinspect: boolean;
}

/** Stages in which a rectification deadline runs. */
const DEADLINE_STAGES = ['ordered', 'noticed'] as const;

export interface PendingLadder {
  ec: Pick<EnforcementCaseTable, 'id' | 'subdistrict_id' | 'case_id' | 'version'>;
  periods: RunningPeriod[];
  deadline?: RunningDeadline;
}

/** The number of days of a period that ends on `lastDay`: the configured days when they give that end on `isWorking`, else the days the end itself implies. */
export function servedDays(startDate: string, lastDay: string, unit: PeriodUnit, isWorking: (date: string) => boolean, configured: number): number {
  const fits = (n: number) => Number.isInteger(n) && n >= 1 && lastDayOf(startDate, n, unit, isWorking) === lastDay;
  if (fits(configured)) return configured;
  let implied = 0;
  if (unit === 'working') for (let d = addDays(startDate, 1); d <= lastDay; d = addDays(d, 1)) implied += isWorking(d) ? 1 : 0;
  else implied = Math.round((Date.parse(lastDay) - Date.parse(startDate)) / 86_400_000);
  return fits(implied) ? implied : configured;
}

/**
 * Before the calendar changes: the ladders with a period running past `from`, each period with the
 * days it was served with, read on the calendar as it still stands. Locks the rows on PostgreSQL.
 */
export async function measureRunningPeriods(trx: Db, from: string, subdistrictId: string | null): Promise<PendingLadder[]> {
  let q = trx
    .selectFrom('enforcement_cases')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([eb('stage', 'in', HEARD_STAGES), eb.or([instantCompare(trx, 'statement_ends_at', '>', from), instantCompare(trx, 'hearing_request_ends_at', '>', from)])]),
        eb.and([eb('stage', '=', 'decided'), eb('overdue_at', 'is', null), eb('paid_at', 'is', null), instantCompare(trx, 'payment_due_at', '>', from)]),
        eb.and([eb('stage', 'in', DEADLINE_STAGES), instantCompare(trx, 'deadline_at', '>', from)]),
      ]),
    )
    .orderBy('id');
  if (subdistrictId) q = q.where('subdistrict_id', '=', subdistrictId);
  if (trx.getExecutor().adapter instanceof PostgresAdapter) q = q.forUpdate();
  const rows = await q.execute();
  const out: PendingLadder[] = [];
  for (const ec of rows) {
    const settings = await trx
      .selectFrom('enforcement_settings')
      .select(['statement_days', 'hearing_request_days', 'payment_days'])
      .where('subdistrict_id', '=', ec.subdistrict_id)
      .executeTakeFirst();
    const running: { field: PeriodField; kind: 'prior_notice' | 'decision'; unit: PeriodUnit; configured: number }[] = [];
    const runs = (end: string | null) => end !== null && Date.parse(end) > Date.parse(from);
    if ((HEARD_STAGES as readonly string[]).includes(ec.stage)) {
      if (runs(ec.statement_ends_at)) running.push({ field: 'statement_ends_at', kind: 'prior_notice', unit: 'working', configured: Number(settings?.statement_days ?? 3) });
      if (runs(ec.hearing_request_ends_at)) running.push({ field: 'hearing_request_ends_at', kind: 'prior_notice', unit: 'working', configured: Number(settings?.hearing_request_days ?? 5) });
    }
    if (ec.stage === 'decided' && runs(ec.payment_due_at)) running.push({ field: 'payment_due_at', kind: 'decision', unit: 'calendar', configured: Number(settings?.payment_days ?? 15) });
    const periods: RunningPeriod[] = [];
    for (const p of running) {
      const served = await servingStep(trx, ec.id, p.kind);
      if (!served) continue;
      const before = ec[p.field]!;
      const startDate = shanghaiDate(new Date(served.at));
      const lastDay = shanghaiDate(Date.parse(before));
      const overrides = await loadOverrides(trx, startDate, addDays(lastDay, 60), ec.subdistrict_id);
      const days = servedDays(startDate, lastDay, p.unit, (d) => isWorkingDay(d, overrides), p.configured);
      const announced = p.field === 'payment_due_at' ? served.content?.paymentDueAt : p.field === 'statement_ends_at' ? served.content?.rights?.statementEndsAt : served.content?.rights?.hearingRequestEndsAt;
      periods.push({ field: p.field, servedAt: served.at, days, unit: p.unit, before, announced: announced ?? null });
    }
    let deadline: RunningDeadline | undefined;
    if ((DEADLINE_STAGES as readonly string[]).includes(ec.stage) && runs(ec.deadline_at)) {
      const served = await servingStep(trx, ec.id, ec.stage === 'ordered' ? 'order' : 'notice');
      const leftMs = await remainingLimitMs(trx, new Date(from), new Date(ec.deadline_at!), 'working', { subdistrictId: ec.subdistrict_id });
      deadline = { from, leftMs, before: ec.deadline_at!, announced: served?.content?.deadlineAt ?? null, reinspect: ec.reinspect_at !== null };
    }
    if (periods.length || deadline) out.push({ ec: { id: ec.id, subdistrict_id: ec.subdistrict_id, case_id: ec.case_id, version: ec.version }, periods, ...(deadline && { deadline }) });
  }
  return out;
}

/** The step that served a period (the latest prior notice or decision) and its document's content, latest revision. */
async function servingStep(trx: Db, enforcementCaseId: string, kind: 'order' | 'notice' | 'prior_notice' | 'decision') {
  const step = await trx
    .selectFrom('enforcement_steps')
    .select(['id', 'at', 'acknowledgement', 'service', 'service_method', 'served_at'])
    .where('enforcement_case_id', '=', enforcementCaseId)
    .where('kind', '=', kind)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (!step) return null;
  const doc = await trx.selectFrom('enforcement_documents').select('content').where('step_id', '=', step.id).orderBy('revision', 'desc').executeTakeFirst();
  // Periods run from service (service.ts); a document not served runs none.
  const at = servedAtOf(step);
  if (!at) return null;
  return { at, content: doc ? (JSON.parse(doc.content) as Partial<DocumentContent>) : null };
}

const endLabel = (iso: string) => {
  const [y, m, d] = shanghaiDate(Date.parse(iso)).split('-');
  return `${y}年${Number(m)}月${Number(d)}日24时`;
};

/** After the calendar changed: re-times the measured periods; returns how many ladders moved. */
export async function applyRunningPeriods(trx: Db, clock: Clock, pending: PendingLadder[], reason: string): Promise<number> {
  const now = clock.now();
  let moved = 0;
  for (const { ec, periods, deadline } of pending) {
    const set: Partial<Record<PeriodField | 'deadline_at' | 'reinspect_at', string>> = {};
    const changes: Record<string, [unknown, unknown]> = {};
    const said: string[] = [];
    for (const p of periods) {
      let after = (await periodEnd(trx, ec.subdistrict_id, new Date(p.servedAt), p.days, p.unit)).getTime();
      if (p.announced) after = Math.max(after, Date.parse(p.announced));
      if (after <= now.getTime() || after === Date.parse(p.before)) continue;
      const iso = new Date(after).toISOString();
      set[p.field] = iso;
      changes[CHANGE_KEY[p.field]] = [p.before, iso];
      said.push(`${ZH[p.field]}由 ${endLabel(p.before)} 调整为 ${endLabel(iso)}`);
    }
    if (deadline) {
      let after = (await computeDueAt(trx, new Date(deadline.from), deadline.leftMs / 3600_000, 'working', { subdistrictId: ec.subdistrict_id })).getTime();
      after = Math.max(after, Date.parse(deadline.before), deadline.announced ? Date.parse(deadline.announced) : 0);
      if (after > now.getTime() && after !== Date.parse(deadline.before)) {
        const iso = new Date(after).toISOString();
        set.deadline_at = iso;
        if (deadline.reinspect) set.reinspect_at = iso;
        changes.deadlineAt = [deadline.before, iso];
        said.push(`整改期限由 ${zhDateTime(deadline.before)} 调整为 ${zhDateTime(iso)}`);
      }
    }
    if (!said.length) continue;
    // A new version: a step checked against the old periods in a concurrent request is refused (stale_version).
    await trx
      .updateTable('enforcement_cases')
      .set({ ...set, version: Number(ec.version) + 1, updated_at: now.toISOString() })
      .where('id', '=', ec.id)
      .execute();
    const linked = await trx.selectFrom('cases').select(['id', 'status']).where('id', '=', ec.case_id).executeTakeFirstOrThrow();
    await appendCaseEvent(trx, clock, {
      subdistrictId: ec.subdistrict_id, caseId: linked.id, action: 'enforcement_retime', fromStatus: linked.status, toStatus: linked.status, actor: SYSTEM_ACTOR,
      note: `工作日历调整（${reason}）：${said.join('；')}`,
      changes,
    });
    moved++;
  }
  return moved;
}
