import { PostgresAdapter } from 'kysely';
import type { Db } from '../../db/index.js';
import { instantCompare } from '../../db/instants.js';
import type { CaseTable } from '../../db/schema.js';
import { SYSTEM_ACTOR, appendCaseEvent } from '../cases/events.js';
import { shanghaiTime } from '../cases/format.js';
import { remindAtAfterMove } from '../cases/stage-deadlines.js';
import type { Clock } from '../shared/clock.js';
import { computeDueAt, remainingLimitMs } from './deadlines.js';
import { addDays, shanghaiDate, shanghaiMidnight } from './office-hours.js';
import { isWorkingDay, loadOverrides } from './working-days.js';
import { dueAfterWorkingDays } from '../service-records/due-dates.js';
import { type PendingLadder, applyRunningPeriods, measureRunningPeriods } from '../enforcement/retime-periods.js';
import { type PendingTask, applyOpenTasks, measureOpenTasks } from '../enforcement/retime-tasks.js';

/**
 * Running deadlines follow the calendar (DOMAIN.md §4): when working days change, every open stage
 * whose working-time limit runs over a changed day keeps exactly the working time it had left at
 * the moment of the change, counted on the new calendar. Each moved case gets a system event with
 * the due time before and after and the reason. Calendar-hour limits and cases on hold (their
 * clock is paused as a remainder) do not move; an overdue stage stays overdue (its mark too, when
 * an extension runs it to a later due time that moves). The same change
 * re-times the penalty procedure's running periods (enforcement/retime-periods.ts).
 */
export interface MovedCase {
  caseId: string;
  number: string;
  subdistrictId: string;
  status: string;
  dueBefore: string;
  dueAfter: string;
}

export interface RetimeSummary {
  /** Open working-time stages whose limit runs over a changed day */
  examined: number;
  moved: number;
  /** The first moved cases, by their old due time */
  cases: MovedCase[];
  /** Open service records whose promised limit (办结时限) moved with the calendar */
  records: number;
  /**
   * Each moved record with its due time before and after (service records keep no event log of
   * their own: the calendar change's audit entry carries this list, with the change as the reason).
   */
  recordChanges: MovedRecord[];
  /** Enforcement ladders whose running statement, hearing-request or payment period moved */
  enforcement: number;
  /** Open re-inspection tasks of the enforcement team whose working-hour due time moved */
  enforcementTasks: number;
  /** 差评 follow-ups still waiting on the desk (no handling deadline on their case yet) whose deadline moved */
  ratingFollowups: number;
}

export interface MovedRecord {
  recordId: string;
  number: string;
  before: string;
  after: string;
}

const SHOWN = 200;

interface Pending {
  c: Pick<CaseTable, 'id' | 'number' | 'subdistrict_id' | 'status' | 'stage_started_at' | 'stage_due_at' | 'reminded_key'>;
  leftMs: number;
}

/** What `measure` found, for `apply`: the open case stages, and from when open service records may move. */
export interface Measured {
  cases: Pending[];
  recordsFrom: string | null;
  subdistrictId: string | null;
  /** Enforcement ladders with a period running over a changed day, with the days it was served with */
  periods: PendingLadder[];
  /** Open re-inspection tasks due after the change, with the working time they had left */
  tasks: PendingTask[];
  /** 差评 follow-ups waiting on the desk, due after the change, with the working days they were given */
  followups: PendingFollowup[];
}

interface PendingFollowup {
  id: string;
  caseId: string;
  subdistrictId: string;
  caseStatus: CaseTable['status'];
  ratedAt: string;
  dueAt: string;
  days: number;
}

/**
 * Call inside the transaction that changes the calendar, in two steps: `measure` before the
 * overrides are written (what is left on the old calendar), then `apply` after (re-time on the
 * new one). `subdistrictId` null = a global change (every subdistrict without its own override
 * on those days is affected; the limit is computed with each case's own overrides either way).
 */
export async function measureOpenDeadlines(trx: Db, clock: Clock, changedDates: string[], subdistrictId: string | null): Promise<Measured> {
  if (!changedDates.length) return { cases: [], recordsFrom: null, subdistrictId, periods: [], tasks: [], followups: [] };
  const now = clock.now();
  const first = [...changedDates].sort()[0]!;
  const from = new Date(Math.max(now.getTime(), shanghaiMidnight(first))).toISOString();
  // Ladders first: a step locks its ladder's row before the linked case, so the same order here.
  const periods = await measureRunningPeriods(trx, from, subdistrictId);
  const tasks = await measureOpenTasks(trx, now, from, subdistrictId);
  let q = trx
    .selectFrom('cases')
    .innerJoin('case_categories as k', 'k.id', 'cases.category_id')
    .select(['cases.id', 'cases.number', 'cases.subdistrict_id', 'cases.status', 'cases.stage_started_at', 'cases.stage_due_at', 'cases.reminded_key'])
    .where('k.limit_mode', '=', 'working')
    .where('cases.stage_due_at', 'is not', null)
    // A stage past its due time stays overdue (it is not after `from`); one marked overdue and
    // then given an extension runs again to the extended due time, which moves like any other.
    .where(instantCompare(trx, 'cases.stage_due_at', '>', from))
    .orderBy('cases.stage_due_at')
    .orderBy('cases.id');
  if (subdistrictId) q = q.where('cases.subdistrict_id', '=', subdistrictId);
  if (trx.getExecutor().adapter instanceof PostgresAdapter) q = q.forUpdate('cases');
  const rows = await q.execute();
  const out: Pending[] = [];
  for (const c of rows) {
    const leftMs = await remainingLimitMs(trx, now, new Date(c.stage_due_at as string), 'working', { subdistrictId: c.subdistrict_id });
    out.push({ c, leftMs });
  }
  const followups = await measureDeskFollowups(trx, from, subdistrictId);
  return { cases: out, recordsFrom: from, subdistrictId, periods, tasks, followups };
}

/**
 * 差评 follow-ups whose case still waits on the desk (reported or filed, no handling deadline yet):
 * their deadline is the rating's (badRatingDays working days from when it was given, submitRating),
 * which the desk's dispatch gives the case (case-rules.ts). Measured on the old calendar as the
 * number of working days it was given, so `apply` counts the same number on the new one. A
 * dispatched case carries its own handling deadline, re-timed with the other stages. On
 * PostgreSQL the case rows are locked: a dispatch waits for the change and reads the new deadline.
 */
async function measureDeskFollowups(trx: Db, from: string, subdistrictId: string | null): Promise<PendingFollowup[]> {
  let q = trx
    .selectFrom('service_rating_followups as f')
    .innerJoin('service_ratings as r', 'r.id', 'f.rating_id')
    .innerJoin('cases as c', 'c.id', 'f.case_id')
    .select(['f.id', 'f.case_id', 'f.subdistrict_id', 'f.due_at', 'r.rated_at', 'c.status'])
    .where('c.handle_due_at', 'is', null)
    .where('c.status', 'in', ['reported', 'filed'])
    .where(instantCompare(trx, 'f.due_at', '>', from))
    .orderBy('f.due_at')
    .orderBy('f.id');
  if (subdistrictId) q = q.where('f.subdistrict_id', '=', subdistrictId);
  if (trx.getExecutor().adapter instanceof PostgresAdapter) q = q.forUpdate('c');
  const out: PendingFollowup[] = [];
  for (const f of await q.execute()) {
    const ratedAt = new Date(f.rated_at).toISOString();
    const dueAt = new Date(f.due_at).toISOString();
    const start = shanghaiDate(new Date(ratedAt));
    const end = shanghaiDate(new Date(dueAt));
    const overrides = await loadOverrides(trx, start, end, f.subdistrict_id);
    let days = 0;
    for (let d = addDays(start, 1); d <= end; d = addDays(d, 1)) if (isWorkingDay(d, overrides)) days++;
    out.push({ id: f.id, caseId: f.case_id, subdistrictId: f.subdistrict_id, caseStatus: f.status, ratedAt, dueAt, days });
  }
  return out;
}

/** The desk-waiting 差评 follow-ups again on the new calendar, each moved one with an event on its case. */
async function applyDeskFollowups(trx: Db, clock: Clock, pending: PendingFollowup[], reason: string): Promise<number> {
  const now = clock.now().toISOString();
  let moved = 0;
  for (const f of pending) {
    const due = (await dueAfterWorkingDays(trx, new Date(f.ratedAt), f.days, f.subdistrictId)).toISOString();
    if (Date.parse(due) === Date.parse(f.dueAt)) continue;
    await trx.updateTable('service_rating_followups').set({ due_at: due, updated_at: now }).where('id', '=', f.id).execute();
    await appendCaseEvent(trx, clock, {
      subdistrictId: f.subdistrictId, caseId: f.caseId, action: 'retime', fromStatus: f.caseStatus, toStatus: f.caseStatus, actor: SYSTEM_ACTOR,
      note: `工作日历调整（${reason}）：差评整改时限由 ${shanghaiTime(f.dueAt)} 调整为 ${shanghaiTime(due)}`,
      changes: { rating_due_at: [f.dueAt, due] },
    });
    moved++;
  }
  return moved;
}

export async function applyOpenDeadlines(trx: Db, clock: Clock, measured: Measured, reason: string): Promise<RetimeSummary> {
  const now = clock.now();
  const moved: MovedCase[] = [];
  const pending = measured.cases;
  for (const { c, leftMs } of pending) {
    const before = c.stage_due_at as string;
    const due = (await computeDueAt(trx, now, leftMs / 3600_000, 'working', { subdistrictId: c.subdistrict_id })).toISOString();
    if (Date.parse(due) === Date.parse(before)) continue;
    // One due-soon reminder a stage: a stage already warned is warned again only if its due time
    // moved earlier than the one it was warned of (stage-deadlines.ts remindAtAfterMove).
    const remind = remindAtAfterMove(c, new Date(due), now);
    const handle = c.status === 'dispatched';
    await trx
      .updateTable('cases')
      // A new version: a desk step that read the case before the change (and its deadline on the
      // old calendar) is answered stale_version instead of writing the old deadline back.
      .set((eb) => ({ stage_due_at: due, remind_at: remind, ...(handle && { handle_due_at: due }), updated_at: now.toISOString(), version: eb('version', '+', 1) }))
      .where('id', '=', c.id)
      .execute();
    await appendCaseEvent(trx, clock, {
      subdistrictId: c.subdistrict_id, caseId: c.id, action: 'retime', fromStatus: c.status as CaseTable['status'], toStatus: c.status as CaseTable['status'], actor: SYSTEM_ACTOR,
      note: `工作日历调整（${reason}）：本阶段时限由 ${shanghaiTime(before)} 调整为 ${shanghaiTime(due)}`,
      changes: { stage_due_at: [before, due], ...(handle && { handle_due_at: [before, due] }) },
    });
    moved.push({ caseId: c.id, number: c.number, subdistrictId: c.subdistrict_id, status: c.status, dueBefore: before, dueAfter: due });
  }
  const recordChanges = measured.recordsFrom ? await retimeOpenRecords(trx, now, measured.recordsFrom, measured.subdistrictId) : [];
  const enforcement = await applyRunningPeriods(trx, clock, measured.periods, reason);
  const enforcementTasks = await applyOpenTasks(trx, clock, measured.tasks, reason);
  const ratingFollowups = await applyDeskFollowups(trx, clock, measured.followups, reason);
  return {
    examined: pending.length, moved: moved.length, cases: moved.slice(0, SHOWN), records: recordChanges.length, recordChanges, enforcement, enforcementTasks, ratingFollowups,
  };
}

/**
 * Open service records (not decided) whose promised limit runs past `from`: their due time is the
 * rule's again on the new calendar (n working days after the day of acceptance, in the guide
 * version the record keeps), so a holiday entered now gives them their day. Each moved record gets
 * a new version (a window step that read the old due time is answered stale_version) and is
 * listed with its due time before and after.
 */
async function retimeOpenRecords(trx: Db, now: Date, from: string, subdistrictId: string | null): Promise<MovedRecord[]> {
  let q = trx
    .selectFrom('service_records as r')
    .innerJoin('service_item_versions as v', 'v.id', 'r.item_version_id')
    .select(['r.id', 'r.number', 'r.subdistrict_id', 'r.accepted_at', 'r.due_at', 'v.promised_limit_days'])
    .where('r.decided_at', 'is', null)
    .where(instantCompare(trx, 'r.due_at', '>', from))
    .orderBy('r.due_at')
    .orderBy('r.id');
  if (subdistrictId) q = q.where('r.subdistrict_id', '=', subdistrictId);
  const moved: MovedRecord[] = [];
  for (const r of await q.execute()) {
    const due = (await dueAfterWorkingDays(trx, new Date(r.accepted_at), r.promised_limit_days, r.subdistrict_id)).toISOString();
    if (Date.parse(due) === Date.parse(r.due_at)) continue;
    const res = await trx
      .updateTable('service_records')
      .set((eb) => ({ due_at: due, updated_at: now.toISOString(), version: eb('version', '+', 1) }))
      .where('id', '=', r.id)
      .where('decided_at', 'is', null)
      .executeTakeFirst();
    // Decided in the meantime: it keeps its figures.
    if (Number(res.numUpdatedRows) !== 1) continue;
    moved.push({ recordId: r.id, number: r.number, before: new Date(r.due_at).toISOString(), after: due });
  }
  return moved;
}
