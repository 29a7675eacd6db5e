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
  /**
   * A failed check sent the case back to its unit and that unit is at it again (cases.rework_pending):
   * 返工. Not once the desk re-dispatched it to another unit (改派), nor after a reopen.
   */
  reworking: boolean;
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
      if (f.reworking) return `核查未通过，${f.unitName ?? '处置单位'}正在返工`;
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
 * The public stage as one word, one per sentence of statusNotes (the tracking page words it in the
 * reader's language: open311Status and the update status are too coarse — both a dispatched case
 * and one on hold are action_scheduled).
 */
export type PublicStep = 'reported' | 'filed' | 'reopened' | 'dispatched' | 'rework' | 'on_hold' | 'handled' | 'closed' | 'cancelled' | 'merged';

export function publicStep(f: Pick<StageFacts, 'status' | 'reworking' | 'reopenCount'>): PublicStep {
  switch (f.status) {
    case 'filed':
      return f.reopenCount > 0 ? 'reopened' : 'filed';
    case 'dispatched':
      return f.reworking ? 'rework' : 'dispatched';
    default:
      return f.status;
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

const W3C_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-](\d{2}):?(\d{2}))$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * The instant of a w3c date-time with a time zone (2026-05-26T10:30:00+08:00, …Z), or null when it
 * names no moment of the calendar: Date.parse alone would move 30 February to 2 March.
 */
export function parseW3cDateTime(v: string): number | null {
  const m = W3C_DATE_TIME.exec(v);
  if (!m) return null;
  const [y, mo, d, h, mi, s, oh, om] = m.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number, number, number];
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (mo < 1 || mo > 12 || d < 1 || d > (mo === 2 && leap ? 29 : DAYS_IN_MONTH[mo - 1]!)) return null;
  if (h > 23 || mi > 59 || s > 59 || oh > 14 || om > 59) return null;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
}

/** Instants as every Open311 client parses them: UTC with Z, whole seconds. */
export function w3cDate(iso: string | null | undefined): string | null {
  if (!iso) return null;
  return `${new Date(iso).toISOString().slice(0, 19)}Z`;
}
