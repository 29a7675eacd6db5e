import type { Db } from '../../db/index.js';
import type { CaseTable } from '../../db/schema.js';
import { computeDueAt, type PreloadedOverrides, remainingLimitMs } from '../calendar/deadlines.js';
import { shanghaiTime } from './format.js';
import { type CategoryLimits, remindAtFor, stageColumns } from './stage-deadlines.js';

/**
 * Holds pause the clock (DOMAIN.md §4): time on hold (挂账) is excluded. When a hold begins (its
 * approval), the working time still left on the handling limit is kept; on release the stage
 * resumes with exactly that, counted the way the category counts (working or calendar hours).
 */

const HOUR_MS = 3600_000;

const hoursAndMinutes = (ms: number) => {
  const minutes = Math.round(ms / 60_000);
  return `${Math.floor(minutes / 60)} 小时 ${minutes % 60} 分`;
};

/**
 * The columns a hold's approval writes besides leaving the stage (held_remaining_ms), and the
 * reason its event gives for taking the due time away: the unit's, as it asked for the hold
 * (status_reason), with the time kept for the release.
 */
export async function pausedStage(db: Db, c: CaseTable, category: CategoryLimits, now: Date, preloaded?: PreloadedOverrides) {
  const asked = c.status_reason ? `同意挂账：${c.status_reason}` : '同意挂账';
  if (!c.stage_due_at) return { columns: { held_remaining_ms: null }, note: asked };
  const left = Math.round(await remainingLimitMs(db, now, new Date(c.stage_due_at), category.limit_mode, { subdistrictId: c.subdistrict_id, preloaded }));
  return { columns: { held_remaining_ms: left }, note: `${asked}；暂停计时，剩余时限 ${hoursAndMinutes(left)}` };
}

/** Stage columns on release: the remaining time resumed from now (a fresh limit only for holds recorded before this rule). */
export async function resumedStage(db: Db, c: CaseTable, category: CategoryLimits, now: Date, preloaded?: PreloadedOverrides) {
  const left = c.held_remaining_ms;
  if (left === null || left === undefined) {
    const columns = await stageColumns(db, c.subdistrict_id, category, 'dispatched', now, preloaded);
    return { columns: { ...columns, held_remaining_ms: null }, note: '解除挂账：挂账前未记录剩余时限，重新计时' };
  }
  const due = await computeDueAt(db, now, Number(left) / HOUR_MS, category.limit_mode, { subdistrictId: c.subdistrict_id, preloaded });
  const stage = { stage_started_at: now.toISOString(), stage_due_at: due.toISOString(), held_remaining_ms: null };
  // A stage marked overdue before its hold resumes with that same mark, so the deadline job neither
  // counts nor escalates it a second time. Nothing was left, unless an extension granted after the
  // mark gave it time: then that time resumes, with its reminder.
  if (c.overdue_at) {
    const key = `dispatched:${stage.stage_due_at}`;
    const late = `挂账前已超期（${shanghaiTime(c.overdue_at)}），不再重复计超期`;
    if (Number(left) > 0) {
      return {
        columns: { ...stage, remind_at: remindAtFor(now, due).toISOString(), overdue_at: c.overdue_at, reminded_key: null, escalated_key: key },
        note: `解除挂账：恢复剩余时限 ${hoursAndMinutes(Number(left))}，截止 ${shanghaiTime(due.toISOString())}；${late}`,
      };
    }
    return {
      columns: { ...stage, remind_at: null, overdue_at: c.overdue_at, reminded_key: key, escalated_key: key },
      note: `解除挂账：${late}`,
    };
  }
  return {
    columns: { ...stage, remind_at: remindAtFor(now, due).toISOString(), overdue_at: null, reminded_key: null, escalated_key: null },
    note: `解除挂账：恢复剩余时限 ${hoursAndMinutes(Number(left))}，截止 ${shanghaiTime(due.toISOString())}`,
  };
}

/** The reason the handling unit gave when it asked for the extension being approved. */
export async function extensionReason(db: Db, caseId: string): Promise<string | null> {
  const row = await db
    .selectFrom('case_events')
    .select('note')
    .where('case_id', '=', caseId)
    .where('action', '=', 'request_extension')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.note ? `同意延期：${row.note}` : '同意延期';
}
