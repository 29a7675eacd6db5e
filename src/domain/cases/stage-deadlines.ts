import type { Db } from '../../db/index.js';
import type { CaseCategoryTable, CaseStatus } from '../../db/schema.js';
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
