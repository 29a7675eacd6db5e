import type { CaseSource, CaseStatus, PendingRequest, Role } from '../../db/schema.js';

/**
 * The case lifecycle as ONE declarative table (GB/T 30428 flow: file → dispatch → handle →
 * check → close, with cancel, rework, hold 挂账, extension 延期, re-dispatch, reopen, merge).
 * Domain code, the UI's offered actions and docs/case-lifecycle.md are all derived from it.
 */

export type CaseAction =
  | 'file' | 'cancel' | 'dispatch' | 'redispatch' | 'handle' | 'check_pass' | 'check_fail'
  | 'request_hold' | 'approve_hold' | 'refuse_hold' | 'release_hold'
  | 'request_extension' | 'approve_extension' | 'refuse_extension'
  | 'reopen' | 'merge';

/** Input a transition needs besides the action and the case version. */
export type RequiredField = 'reason' | 'note' | 'photoIds' | 'assignee' | 'dueAt' | 'targetCaseId';

/** A deadline stage: each open status waits on someone within a catalogue time limit. */
export type Stage = 'file' | 'dispatch' | 'handle' | 'check';

export type Counter = 'rework_count' | 'redispatch_count' | 'reopen_count' | 'extension_count';

export interface TransitionRule {
  action: CaseAction;
  zh: string;
  en: string;
  from: readonly CaseStatus[];
  to: CaseStatus;
  roles: readonly Role[];
  /** 'assignee': the actor must be the assigned person or staff of the assigned handling unit. */
  who: 'role' | 'assignee';
  /** The pending request the case must carry (null = none pending; undefined = either). */
  pending?: PendingRequest | null;
  /** What the transition leaves pending afterwards (undefined = cleared). */
  setsPending?: PendingRequest;
  requires: readonly RequiredField[];
  counts?: Counter;
  /** Start a fresh time limit for the target status's stage (false = keep the running one). */
  restartsStage: boolean;
  /**
   * Separation of duties: the actor must be independent of the handling (not a person who handled
   * the case, not its assignee, not a member of the handling unit). See independent-check.ts.
   */
  independent?: boolean;
}

const DESK: Role[] = ['operator', 'admin'];
const ASSIGNEES: Role[] = ['handler', 'enforcement', 'cadre'];
const CHECKERS: Role[] = ['patrol', 'cadre', 'operator', 'admin'];
const OPEN_BEFORE_HANDLING: CaseStatus[] = ['reported', 'filed', 'dispatched', 'on_hold'];

export const TRANSITIONS: readonly TransitionRule[] = [
  { action: 'file', zh: '立案', en: 'File', from: ['reported'], to: 'filed', roles: DESK, who: 'role', requires: [], restartsStage: true },
  { action: 'cancel', zh: '注销', en: 'Cancel', from: ['reported', 'filed'], to: 'cancelled', roles: DESK, who: 'role', requires: ['reason'], restartsStage: true },
  { action: 'dispatch', zh: '派遣', en: 'Dispatch', from: ['filed'], to: 'dispatched', roles: DESK, who: 'role', requires: ['assignee'], restartsStage: true },
  { action: 'redispatch', zh: '改派', en: 'Re-dispatch', from: ['dispatched'], to: 'dispatched', roles: DESK, who: 'role', requires: ['assignee', 'reason'], counts: 'redispatch_count', restartsStage: true },
  { action: 'handle', zh: '处置反馈', en: 'Handle', from: ['dispatched'], to: 'handled', roles: ASSIGNEES, who: 'assignee', requires: ['note', 'photoIds'], restartsStage: true },
  { action: 'check_pass', zh: '核查通过', en: 'Check: pass', from: ['handled'], to: 'closed', roles: CHECKERS, who: 'role', requires: [], restartsStage: true, independent: true },
  { action: 'check_fail', zh: '核查不通过（返工）', en: 'Check: fail (rework)', from: ['handled'], to: 'dispatched', roles: CHECKERS, who: 'role', requires: ['note'], restartsStage: true, independent: true },
  { action: 'request_hold', zh: '申请挂账', en: 'Request hold', from: ['dispatched'], to: 'dispatched', roles: ASSIGNEES, who: 'assignee', pending: null, setsPending: 'hold', requires: ['reason'], restartsStage: false },
  { action: 'approve_hold', zh: '同意挂账', en: 'Approve hold', from: ['dispatched'], to: 'on_hold', roles: DESK, who: 'role', pending: 'hold', requires: [], restartsStage: true },
  { action: 'refuse_hold', zh: '不同意挂账', en: 'Refuse hold', from: ['dispatched'], to: 'dispatched', roles: DESK, who: 'role', pending: 'hold', requires: ['reason'], restartsStage: false },
  // Release resumes the handling clock with the working time left when the hold began (paused-clock.ts).
  { action: 'release_hold', zh: '解除挂账', en: 'Release hold', from: ['on_hold'], to: 'dispatched', roles: DESK, who: 'role', requires: [], restartsStage: false },
  { action: 'request_extension', zh: '申请延期', en: 'Request extension', from: ['dispatched'], to: 'dispatched', roles: ASSIGNEES, who: 'assignee', pending: null, setsPending: 'extension', requires: ['dueAt', 'reason'], restartsStage: false },
  { action: 'approve_extension', zh: '同意延期', en: 'Approve extension', from: ['dispatched'], to: 'dispatched', roles: DESK, who: 'role', pending: 'extension', requires: [], counts: 'extension_count', restartsStage: false },
  { action: 'refuse_extension', zh: '不同意延期', en: 'Refuse extension', from: ['dispatched'], to: 'dispatched', roles: DESK, who: 'role', pending: 'extension', requires: ['reason'], restartsStage: false },
  { action: 'reopen', zh: '重新打开', en: 'Reopen', from: ['closed', 'cancelled'], to: 'filed', roles: DESK, who: 'role', requires: ['reason'], counts: 'reopen_count', restartsStage: true },
  { action: 'merge', zh: '合并重复案件', en: 'Merge duplicate', from: OPEN_BEFORE_HANDLING, to: 'merged', roles: DESK, who: 'role', requires: ['targetCaseId'], restartsStage: true },
];

export const CASE_ACTIONS = TRANSITIONS.map((t) => t.action) as [CaseAction, ...CaseAction[]];

export const ruleFor = (action: CaseAction): TransitionRule => {
  const rule = TRANSITIONS.find((t) => t.action === action);
  if (!rule) throw new Error(`unknown action ${action}`);
  return rule;
};

/**
 * How cases come in (sources), who may create each, and the status it starts in.
 * Self-resolved (自发自处) cases are found and fixed on the spot: created closed, with before and
 * after photos, and counted separately.
 */
export interface SourceRule {
  source: CaseSource;
  zh: string;
  en: string;
  roles: readonly Role[];
  startsAs: 'reported' | 'closed';
}
export const SOURCES: readonly SourceRule[] = [
  { source: 'patrol', zh: '主动上报', en: 'Patrol report', roles: ['patrol', 'cadre', 'enforcement', 'operator', 'admin'], startsAs: 'reported' },
  { source: 'self_resolved', zh: '自发自处', en: 'Self-resolved', roles: ['patrol', 'cadre', 'enforcement'], startsAs: 'closed' },
  { source: 'checkin', zh: '居委打卡发现', en: 'Committee check-in problem', roles: ['cadre'], startsAs: 'reported' },
  { source: 'citizen', zh: '市民反映', en: 'Citizen report', roles: ['operator', 'admin'], startsAs: 'reported' },
  { source: 'camera', zh: '视频监控告警', en: 'Camera alert', roles: ['operator', 'admin'], startsAs: 'reported' },
  { source: 'iot', zh: '物联感知告警', en: 'IoT sensor alert', roles: ['operator', 'admin'], startsAs: 'reported' },
  { source: 'enforcement', zh: '执法检查', en: 'Enforcement inspection', roles: ['enforcement'], startsAs: 'reported' },
  // Filed by an integration over Open311 (never by a signed-in role): the 12345 hotline's key files as hotline.
  { source: 'open311', zh: 'Open311 接入', en: 'Open311 integration', roles: [], startsAs: 'reported' },
  { source: 'hotline', zh: '12345 热线', en: '12345 hotline', roles: [], startsAs: 'reported' },
];
export const sourceRule = (s: CaseSource) => SOURCES.find((r) => r.source === s) as SourceRule;

/** The stage (and catalogue limit) a status waits on; statuses without one wait on nobody. */
export const STAGE_OF: Partial<Record<CaseStatus, Stage>> = {
  reported: 'file',
  filed: 'dispatch',
  dispatched: 'handle',
  handled: 'check',
};

export const OPEN_STATUSES: readonly CaseStatus[] = ['reported', 'filed', 'dispatched', 'handled', 'on_hold'];
/** The events whose actor handled the case (independent-check.ts): a handling, or a fix on the spot (自发自处). */
export const HANDLING_ACTIONS = ['handle', 'self_resolve'] as const;

export const FINAL_STATUSES: readonly CaseStatus[] = ['closed', 'cancelled', 'merged'];

export const STATUS_LABELS: Record<CaseStatus, { zh: string; en: string }> = {
  reported: { zh: '待立案', en: 'Reported' },
  filed: { zh: '待派遣', en: 'Filed' },
  dispatched: { zh: '处置中', en: 'Dispatched' },
  handled: { zh: '待核查', en: 'Handled' },
  closed: { zh: '已结案', en: 'Closed' },
  cancelled: { zh: '已注销', en: 'Cancelled' },
  on_hold: { zh: '挂账', en: 'On hold' },
  merged: { zh: '已合并', en: 'Merged' },
};

/** Actions the table allows from a state for a role (the assignee guard is checked separately). */
export function actionsFrom(status: CaseStatus, pending: PendingRequest | null, role: Role): TransitionRule[] {
  return TRANSITIONS.filter(
    (t) => t.from.includes(status) && t.roles.includes(role) && (t.pending === undefined || t.pending === pending),
  );
}
