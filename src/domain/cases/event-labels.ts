import { eventLabel as enforcementLabel } from '../enforcement/ladder.js';
import { TRANSITIONS } from './lifecycle.js';

/**
 * What a timeline entry says happened: the action by its own name (上报, 处置, 核查通过, 日历调整 …),
 * never the status it produced ("待核查" for a rectification misstates who did what).
 */
export interface EventLabel {
  kind: 'case' | 'system' | 'enforcement';
  zh: string;
  en: string;
}

const OTHER: Record<string, EventLabel> = {
  report: { kind: 'case', zh: '上报', en: 'Reported' },
  self_resolve: { kind: 'case', zh: '自发自处', en: 'Found and fixed on the spot' },
  merge_in: { kind: 'case', zh: '并入重复案件', en: 'Duplicate merged in' },
  spot_check: { kind: 'case', zh: '抽查', en: 'Spot check' },
  overdue: { kind: 'system', zh: '超期', en: 'Overdue' },
  retime: { kind: 'system', zh: '日历调整时限', en: 'Deadline moved by a calendar change' },
  // The reporter's answer on the public tracking page (a contest is a reopen by the public).
  public_confirm: { kind: 'case', zh: '市民确认整改到位', en: 'Reporter confirmed the fix' },
  // A self-service terminal that reported again after its outage (service-terminals/health.ts).
  // A 差评 voided on appeal by a second person (service-ratings/followups.ts): its case is cancelled.
  appeal_upheld: { kind: 'case', zh: '申诉复核成立，差评作废，注销', en: 'Appeal upheld: rating voided, case cancelled' },
  terminal_recovered: { kind: 'system', zh: '终端恢复正常，自动结案', en: 'Terminal back in service: closed automatically' },
  terminal_retired: { kind: 'system', zh: '服务点关闭，终端停用，注销', en: 'Service point closed: terminal retired, case cancelled' },
};

/**
 * The lifecycle table names actions as buttons ("处置反馈", "Dispatch"); a timeline tells what was
 * done, so a few read as finished deeds here ("整改完成", "Dispatched").
 */
const AS_DONE: Partial<Record<string, { zh?: string; en: string }>> = {
  file: { en: 'Filed' },
  cancel: { en: 'Cancelled' },
  dispatch: { en: 'Dispatched' },
  redispatch: { en: 'Re-dispatched' },
  handle: { zh: '整改完成', en: 'Rectified' },
  check_pass: { en: 'Check passed' },
  check_fail: { en: 'Check failed (rework)' },
  request_hold: { en: 'Hold requested' },
  approve_hold: { en: 'Hold approved' },
  refuse_hold: { en: 'Hold refused' },
  release_hold: { en: 'Hold released' },
  request_extension: { en: 'Extension requested' },
  approve_extension: { en: 'Extension approved' },
  refuse_extension: { en: 'Extension refused' },
  reopen: { en: 'Reopened' },
  merge: { en: 'Merged as a duplicate' },
};

const BY_ACTION = new Map<string, EventLabel>(
  TRANSITIONS.map((t) => [t.action, { kind: 'case', zh: AS_DONE[t.action]?.zh ?? t.zh, en: AS_DONE[t.action]?.en ?? t.en }]),
);

export function caseEventLabel(action: string): EventLabel | null {
  return enforcementLabel(action) ?? BY_ACTION.get(action) ?? OTHER[action] ?? null;
}
