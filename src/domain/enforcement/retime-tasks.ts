import type { Db } from '../../db/index.js';
import { instantCompare } from '../../db/instants.js';
import type { EnforcementTaskTable } from '../../db/schema.js';
import { computeDueAt, remainingLimitMs } from '../calendar/deadlines.js';
import { SYSTEM_ACTOR, appendCaseEvent } from '../cases/events.js';
import type { Clock } from '../shared/clock.js';
import { zhDateTime } from './document-content.js';

/**
 * The re-inspection task dispatched to the enforcement team when a rectification deadline passes
 * (clocks.ts) is due `reinspectionHours` working hours later: a running deadline like a case's
 * stage, so a calendar change re-times it the same way (DOMAIN.md §4) — the task keeps exactly the
 * working time it had left, counted on the new calendar, with an `enforcement_retime` event on the
 * linked case's chain (before, after, reason). Measured before the calendar is written, applied
 * after, in the change's transaction (calendar/retime.ts).
 */
export interface PendingTask {
  task: Pick<EnforcementTaskTable, 'id' | 'enforcement_case_id' | 'subdistrict_id' | 'due_at'>;
  leftMs: number;
}

export async function measureOpenTasks(trx: Db, now: Date, from: string, subdistrictId: string | null): Promise<PendingTask[]> {
  let q = trx
    .selectFrom('enforcement_tasks')
    .select(['id', 'enforcement_case_id', 'subdistrict_id', 'due_at'])
    .where('status', '=', 'open')
    .where(instantCompare(trx, 'due_at', '>', from))
    .orderBy('due_at')
    .orderBy('id');
  if (subdistrictId) q = q.where('subdistrict_id', '=', subdistrictId);
  const out: PendingTask[] = [];
  for (const task of await q.execute()) {
    out.push({ task, leftMs: await remainingLimitMs(trx, now, new Date(task.due_at), 'working', { subdistrictId: task.subdistrict_id }) });
  }
  return out;
}

/** After the calendar changed: re-times the measured tasks; returns how many moved. */
export async function applyOpenTasks(trx: Db, clock: Clock, pending: PendingTask[], reason: string): Promise<number> {
  const now = clock.now();
  let moved = 0;
  for (const { task, leftMs } of pending) {
    const before = new Date(task.due_at).toISOString();
    const due = (await computeDueAt(trx, now, leftMs / 3600_000, 'working', { subdistrictId: task.subdistrict_id })).toISOString();
    if (due === before) continue;
    const res = await trx.updateTable('enforcement_tasks').set({ due_at: due }).where('id', '=', task.id).where('status', '=', 'open').executeTakeFirst();
    // Done in the meantime: it keeps its figures.
    if (Number(res.numUpdatedRows) !== 1) continue;
    const linked = await trx
      .selectFrom('enforcement_cases as e')
      .innerJoin('cases as c', 'c.id', 'e.case_id')
      .select(['c.id', 'c.status'])
      .where('e.id', '=', task.enforcement_case_id)
      .executeTakeFirstOrThrow();
    await appendCaseEvent(trx, clock, {
      subdistrictId: task.subdistrict_id, caseId: linked.id, action: 'enforcement_retime', fromStatus: linked.status, toStatus: linked.status, actor: SYSTEM_ACTOR,
      note: `工作日历调整（${reason}）：复查任务时限由 ${zhDateTime(before)} 调整为 ${zhDateTime(due)}`,
      changes: { reinspectionDueAt: [before, due] },
    });
    moved++;
  }
  return moved;
}
