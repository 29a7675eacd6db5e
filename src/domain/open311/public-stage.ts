import type { CaseStatus } from '../../db/schema.js';

/**
 * How a case's place in the closed loop reads to the public over Open311. `status` stays open
 * until 核查 passes (a handled case is still open: the fix is not yet verified); status_notes say
 * the stage in plain Chinese; FixMyStreet-style update statuses carry the finer stage.
 */
export type Open311Status = 'open' | 'closed';

export const CLOSED_STATUSES: readonly CaseStatus[] = ['closed', 'cancelled', 'merged'];
export const OPEN_CASE_STATUSES: readonly CaseStatus[] = ['reported', 'filed', 'dispatched', 'handled', 'on_hold'];

export function open311Status(status: CaseStatus): Open311Status {
  return CLOSED_STATUSES.includes(status) ? 'closed' : 'open';
}

export interface StageFacts {
  status: CaseStatus;
  unitName: string | null;
  reworkCount: number;
  reopenCount: number;
  mergedIntoNumber: string | null;
}

/** The public stage in plain Chinese (status_notes). Internal reasons and names of people never appear. */
export function statusNotes(f: StageFacts): string {
  switch (f.status) {
    case 'reported':
      return '已受理，等待城运中心核实立案';
    case 'filed':
      return f.reopenCount > 0 ? '已重新打开，等待派遣处置单位' : '已立案，等待派遣处置单位';
    case 'dispatched':
      if (f.reworkCount > 0) return `核查未通过，${f.unitName ?? '处置单位'}正在返工`;
      return `已派遣至${f.unitName ?? '处置单位'}，正在处置`;
    case 'on_hold':
      return '暂缓处置（挂账），条件具备后继续办理';
    case 'handled':
      return '处置单位已反馈结果，等待独立核查';
    case 'closed':
      return '经核查已整改到位，已结案';
    case 'cancelled':
      return '经核实不予立案，已注销';
    case 'merged':
      return f.mergedIntoNumber ? `与案件 ${f.mergedIntoNumber} 为同一问题，已合并办理` : '与另一案件为同一问题，已合并办理';
  }
}

/**
 * The status word of a servicerequestupdates entry. FixMyStreet (mySociety's Open311 extension)
 * understands these beyond open/closed; fixed is used only once the check has passed.
 */
export type UpdateStatus = 'open' | 'investigating' | 'action_scheduled' | 'in_progress' | 'fixed' | 'closed' | 'duplicate' | 'no_further_action';

export function updateStatus(status: CaseStatus): UpdateStatus {
  switch (status) {
    case 'reported':
      return 'open';
    case 'filed':
      return 'investigating';
    case 'dispatched':
      return 'action_scheduled';
    case 'on_hold':
      return 'action_scheduled';
    case 'handled':
      return 'in_progress';
    case 'closed':
      return 'fixed';
    case 'cancelled':
      return 'no_further_action';
    case 'merged':
      return 'duplicate';
  }
}

/** Case events that change what the public sees; the others (reminders, requests for a hold…) stay internal. */
export const PUBLIC_ACTIONS = [
  'report', 'file', 'cancel', 'dispatch', 'redispatch', 'handle', 'check_pass', 'check_fail', 'approve_hold', 'release_hold', 'reopen', 'merge',
] as const;

/** Instants as every Open311 client parses them: UTC with Z, whole seconds. */
export function w3cDate(iso: string | null | undefined): string | null {
  if (!iso) return null;
  return `${new Date(iso).toISOString().slice(0, 19)}Z`;
}
