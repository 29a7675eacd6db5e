import type { ExpressionBuilder } from 'kysely';
import type { Db } from '../../db/index.js';
import { instantCompare } from '../../db/instants.js';
import type { CaseTable, Database } from '../../db/schema.js';
import { notify, type NotifyRecipients, userReachable } from '../notifications/notify.js';
import type { Clock } from '../shared/clock.js';
import { SYSTEM_ACTOR, appendCaseEvent } from './events.js';
import { shanghaiTime } from './format.js';
import { STAGE_OF } from './lifecycle.js';
import { stageKey } from './stage-deadlines.js';

const BATCH = 200;
/** Idempotency keys are kept a day: long enough for any client retry. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;

const STAGE_ZH = { file: '立案', dispatch: '派遣', handle: '处置', check: '核查' } as const;
const fmt = shanghaiTime;

/** A case as the sweep reads it: with whether the people it may wait on can still hear of it. */
type SweptCase = CaseTable & { assignee_reachable: unknown; checker_reachable: unknown; unit_staffed: unknown };

/** Whether the person in `column` still hears of the case: notify's own rule (userReachable), which drops anyone else silently. */
const personReachable = (eb: ExpressionBuilder<Database, 'cases'>, column: 'cases.assigned_user_id' | 'cases.checker_user_id') =>
  userReachable(eb.ref(column), eb.ref('cases.subdistrict_id'));

/** The cases columns and, in the same statement, who of those the stage may wait on can still be reached. */
const sweptColumns = (eb: ExpressionBuilder<Database, 'cases'>) => [
  personReachable(eb, 'cases.assigned_user_id').as('assignee_reachable'),
  personReachable(eb, 'cases.checker_user_id').as('checker_reachable'),
  eb
    .exists(
      eb
        .selectFrom('users as s')
        .innerJoin('handling_units as h', 'h.id', 's.handling_unit_id')
        .select('s.id')
        .whereRef('s.handling_unit_id', '=', 'cases.assigned_unit_id')
        .whereRef('h.subdistrict_id', '=', 'cases.subdistrict_id')
        .where('s.status', '=', 'active'),
    )
    .as('unit_staffed'),
];

/** The desk of this case's committee, said outright. */
const operatorsOf = (c: CaseTable): NotifyRecipients => ({ roles: ['operator'], committeeId: c.committee_id });
const yes = (v: unknown) => v === true || Number(v) === 1;

/**
 * Whom the current stage waits on: the desk for filing/dispatching, the assignee for handling, the
 * independent checker (else the desk) for checking. A named person who can no longer hear of it
 * (disabled, moved to another subdistrict) is replaced by the assigned unit's active staff, and a
 * unit without any by the desk: a reminder or "overdue, please act" always reaches someone.
 */
function waitingOn(c: SweptCase): NotifyRecipients {
  const stage = STAGE_OF[c.status];
  if (stage === 'handle') {
    if (c.assigned_user_id && yes(c.assignee_reachable)) return { userIds: [c.assigned_user_id] };
    if (c.assigned_unit_id && yes(c.unit_staffed)) return { handlingUnitId: c.assigned_unit_id };
    return operatorsOf(c);
  }
  if (stage === 'check' && c.checker_user_id && yes(c.checker_reachable)) return { userIds: [c.checker_user_id] };
  return operatorsOf(c);
}


/** What one step of a sweep saw: rows due, and rows it moved on. */
export interface SweepStep {
  due: number;
  done: number;
}

/**
 * Reminds whoever the stage waits on, once per stage and due time (remind_at is cleared as it fires).
 * Due times are compared as instants (instantCompare), never as strings: a due time written with
 * another precision or spelling (a DBA's fix) can neither be skipped nor stall the job.
 */
async function remind(db: Db, clock: Clock, now: string): Promise<SweepStep> {
  const due: SweptCase[] = await db
    .selectFrom('cases')
    .selectAll('cases')
    .select(sweptColumns)
    .where(instantCompare(db, 'remind_at', '<=', now))
    .where(instantCompare(db, 'stage_due_at', '>', now))
    .orderBy('remind_at')
    .limit(BATCH)
    .execute();
  let n = 0;
  for (const c of due) {
    const fired = await db.transaction().execute(async (trx) => {
      // The claim re-checks the condition on instants and the stage it read (status, version). A
      // reminder is no event and no new version of the case: a desk step that read the case before
      // it still applies, and one that starts a new stage writes that stage's marks afresh
      // (transition-case.ts STAGE_MARKS), so this stage's reminded_key never stays on the next.
      const claimed = await trx
        .updateTable('cases')
        .set({ remind_at: null, reminded_key: stageKey(c) })
        .where('id', '=', c.id)
        .where('status', '=', c.status)
        .where('version', '=', c.version)
        .where('remind_at', 'is not', null)
        .where(instantCompare(trx, 'remind_at', '<=', now))
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) return false;
      const stage = STAGE_OF[c.status] ?? 'handle';
      await notify(trx, clock, {
        subdistrictId: c.subdistrict_id, recipients: waitingOn(c), kind: 'case_due_soon', caseId: c.id,
        message: { key: 'case_due_soon', params: { number: c.number, stage, dueAt: c.stage_due_at } }, dedupeKey: `remind:${c.id}:${stageKey(c)}`,
      });
      return true;
    });
    if (fired) n++;
  }
  return { due: due.length, done: n };
}

/** Marks cases whose stage passed its due time, records a system event and escalates to the operators. */
async function markOverdue(db: Db, clock: Clock, now: string): Promise<SweepStep> {
  const late: SweptCase[] = await db
    .selectFrom('cases')
    .selectAll('cases')
    .select(sweptColumns)
    .where(instantCompare(db, 'stage_due_at', '<=', now))
    .where('overdue_at', 'is', null)
    .orderBy('stage_due_at')
    .limit(BATCH)
    .execute();
  let n = 0;
  for (const c of late) {
    const fired = await db.transaction().execute(async (trx) => {
      // A new version of the case: a desk step that read it before this mark is answered
      // stale_version. Else it would commit at the version it read and, writing only the columns
      // it changed, leave this stage's overdue_at on the next stage — never marked nor escalated.
      const claimed = await trx
        .updateTable('cases')
        .set({ overdue_at: now, overdue_count: c.overdue_count + 1, escalated_key: stageKey(c), remind_at: null, version: c.version + 1, updated_at: now })
        .where('id', '=', c.id)
        .where('overdue_at', 'is', null)
        .where('status', '=', c.status)
        .where('version', '=', c.version)
        .where(instantCompare(trx, 'stage_due_at', '<=', now))
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) return false;
      const stage = STAGE_OF[c.status] ?? 'handle';
      await appendCaseEvent(trx, clock, {
        subdistrictId: c.subdistrict_id, caseId: c.id, action: 'overdue', fromStatus: c.status, toStatus: c.status, actor: SYSTEM_ACTOR,
        note: `${STAGE_ZH[stage]}超期（时限 ${fmt(c.stage_due_at as string)}）`,
        changes: { overdue_at: [null, now], overdue_count: [c.overdue_count, c.overdue_count + 1] },
      });
      await notify(trx, clock, {
        subdistrictId: c.subdistrict_id, recipients: operatorsOf(c), kind: 'case_overdue', caseId: c.id,
        message: { key: 'case_overdue', params: { number: c.number, stage, dueAt: c.stage_due_at } }, dedupeKey: `overdue:${c.id}:${stageKey(c)}`,
      });
      const handlers = waitingOn(c);
      // The desk already heard of it just above.
      if (stage === 'handle' && !handlers.roles) {
        await notify(trx, clock, {
          subdistrictId: c.subdistrict_id, recipients: handlers, kind: 'case_overdue_assignee', caseId: c.id,
          message: { key: 'case_overdue_assignee', params: { number: c.number, dueAt: c.stage_due_at } }, dedupeKey: `overdue-assignee:${c.id}:${stageKey(c)}`,
        });
      }
      return true;
    });
    if (fired) n++;
  }
  return { due: late.length, done: n };
}

async function stillDue(db: Db, step: 'remind' | 'overdue', now: string): Promise<number> {
  const q = step === 'remind'
    ? db.selectFrom('cases').select('id').where(instantCompare(db, 'remind_at', '<=', now)).where(instantCompare(db, 'stage_due_at', '>', now))
    : db.selectFrom('cases').select('id').where(instantCompare(db, 'stage_due_at', '<=', now)).where('overdue_at', 'is', null);
  return (await q.limit(BATCH).execute()).length;
}

export interface SweepLogger {
  warn?(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

/**
 * One round of the case-deadline job. Everything it needs is in columns (remind_at, stage_due_at,
 * overdue_at), each step claims its row with a guarded update in the same transaction as its
 * event and notification, and notifications carry a dedupe key: a restart loses nothing and a
 * second process or round fires nothing twice.
 */
export async function sweepCaseDeadlines(db: Db, clock: Clock, logger?: SweepLogger): Promise<number> {
  const now = clock.now().toISOString();
  const reminded = await remind(db, clock, now);
  const overdue = await markOverdue(db, clock, now);
  // No progress on rows that are due is a fault to see, never a silent stall.
  // (Rows another process claimed meanwhile are not a stall: only rows still due count.)
  for (const [step, r] of [['remind', reminded], ['overdue', overdue]] as const) {
    if (r.due > 0 && r.done === 0 && (await stillDue(db, step, now)) > 0) {
      const log = logger?.warn ?? logger?.error ?? ((o: unknown, m?: string) => console.warn(`[jobs] ${m}`, o));
      log.call(logger, { job: 'case-deadlines', step, due: r.due, done: 0 }, `case-deadlines: ${r.due} due rows and none moved on (${step})`);
    }
  }
  await db.deleteFrom('idempotency_keys').where('created_at', '<', new Date(clock.now().getTime() - IDEMPOTENCY_TTL_MS).toISOString()).execute();
  return reminded.done + overdue.done;
}
