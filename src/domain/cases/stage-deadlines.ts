import type { Db } from '../../db/index.js';
import type { CaseCategoryTable, CaseStatus, CaseTable } from '../../db/schema.js';
import { computeDueAt, type PreloadedOverrides } from '../calendar/deadlines.js';
import { STAGE_OF, type Stage } from './lifecycle.js';

/** Remind the person a stage waits on this long before its due time: a quarter of the limit, at most 2 h. */
export const REMIND_LEAD = { fraction: 0.25, maxMs: 2 * 3600_000 };

export type CategoryLimits = Pick<CaseCategoryTable, 'file_hours' | 'dispatch_hours' | 'handle_hours' | 'check_hours' | 'limit_mode'>;

const HOURS: Record<Stage, keyof CategoryLimits> = {
  file: 'file_hours',
  dispatch: 'dispatch_hours',
  handle: 'handle_hours',
  check: 'check_hours',
};

export interface StageColumns {
  stage_started_at: string | null;
  stage_due_at: string | null;
  remind_at: string | null;
  overdue_at: null;
  reminded_key: null;
  escalated_key: null;
}

export function remindAtFor(startedAt: Date, dueAt: Date): Date {
  const lead = Math.min(REMIND_LEAD.maxMs, (dueAt.getTime() - startedAt.getTime()) * REMIND_LEAD.fraction);
  return new Date(dueAt.getTime() - lead);
}

/** The deadline job's key of a stage and its due time (reminded_key, escalated_key, notification dedupe keys). */
export const stageKey = (c: Pick<CaseTable, 'status' | 'stage_due_at'>) => `${c.status}:${c.stage_due_at}`;

/** The due time the stage's due-soon reminder warned of (reminded_key of this status), or null if none was given. */
export function warnedDue(c: Pick<CaseTable, 'status' | 'reminded_key'>): number | null {
  const prefix = `${c.status}:`;
  if (!c.reminded_key?.startsWith(prefix)) return null;
  const at = Date.parse(c.reminded_key.slice(prefix.length));
  return Number.isNaN(at) ? null : at;
}

/**
 * When the running stage's due-soon reminder is due after its due time moved within the same
 * stage (a calendar change re-times it): one reminder a stage. A stage already warned of a due time
 * gets no second reminder when its due time stays or moves later: the warning came earlier than
 * promised, never later. Moved earlier than the due time warned of, the warning named a later time
 * and gave less notice than promised before the new one (the notice it gave is at most the lead
 * before the due time warned of, so less than the lead before an earlier one), so it is warned
 * again at the new warning point (at the job's next round, if that has passed).
 */
export function remindAtAfterMove(c: Pick<CaseTable, 'status' | 'reminded_key' | 'stage_started_at'>, due: Date, now: Date): string | null {
  const warned = warnedDue(c);
  if (warned !== null && due.getTime() >= warned) return null;
  return remindAtFor(new Date(c.stage_started_at ?? now.toISOString()), due).toISOString();
}

/** Fresh deadline columns for a case entering `status` at `from` (all null when nobody is waited on). */
export async function stageColumns(db: Db, subdistrictId: string, category: CategoryLimits, status: CaseStatus, from: Date, preloaded?: PreloadedOverrides): Promise<StageColumns> {
  const stage = STAGE_OF[status];
  if (!stage) return { stage_started_at: null, stage_due_at: null, remind_at: null, overdue_at: null, reminded_key: null, escalated_key: null };
  const due = await computeDueAt(db, from, Number(category[HOURS[stage]]), category.limit_mode, { subdistrictId, preloaded });
  return {
    stage_started_at: from.toISOString(),
    stage_due_at: due.toISOString(),
    remind_at: remindAtFor(from, due).toISOString(),
    overdue_at: null,
    reminded_key: null,
    escalated_key: null,
  };
}

/**
 * Why an extension (延期) can no longer be asked for at `now`, or null while it can: it is asked
 * for before the handling limit runs out, judged against the due time itself at the instant of the
 * request (not against whether the deadline job has marked the stage yet). A stage already marked
 * overdue stays refused even with a later due time (an extension approved after its mark): granted
 * afterwards, an extension would turn a late handling into an on-time one in the unit's figures.
 * The API's offered actions (get-case.ts) and the transition (transition-case.ts) both ask this.
 */
export function extensionClosed(c: Pick<CaseTable, 'overdue_at' | 'stage_due_at'>, now: Date): string | null {
  if (c.overdue_at || (c.stage_due_at && Date.parse(c.stage_due_at) <= now.getTime())) {
    return 'the handling limit has passed: an extension is asked for before it runs out';
  }
  return null;
}
