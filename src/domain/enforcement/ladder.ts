import type { EnforcementDocKind, EnforcementStage } from '../../db/schema.js';

/**
 * The enforcement ladder (管执联动) as ONE declarative table. Each officer step moves the ladder
 * from one stage to the next; stages with a deadline run a clock: when it passes, the job
 * dispatches a re-inspection (派单). A rectified re-inspection closes the ladder at any rung.
 * Before a fine the party is heard (行政处罚法 2021, arts. 44–45, 63–65): a prior notice with the
 * proposed fine and the party's rights, its statement or waiver, a hearing where the fine reaches
 * the legal basis's threshold, and only after the periods have run, the decision.
 *
 *   opened ─order→ ordered ─reinspection(not rectified)→ order_failed ─notice→ noticed
 *   noticed ─reinspection(not rectified)→ notice_failed ─prior_notice→ prior_noticed
 *   prior_noticed ─hearing_request→ hearing_requested ─hearing→ heard
 *   prior_noticed|hearing_requested|heard ─statement→ (same stage)
 *   prior_noticed|heard ─decision→ decided ─payment→ closed
 *   ordered|noticed ─reinspection(rectified)→ closed
 *   opened ─notice→ noticed   (repeat offender, when the subdistrict's rule says so)
 */
export type OfficerStepKind = 'order' | 'reinspection' | 'notice' | 'prior_notice' | 'statement' | 'hearing_request' | 'hearing' | 'decision' | 'payment';

export type StepField = 'deadlineAt' | 'fineAmount' | 'gps' | 'photoIds' | 'result' | 'note' | 'findings' | 'statement' | 'hearing' | 'defence';

export interface LadderRule {
  kind: OfficerStepKind;
  zh: string;
  en: string;
  from: readonly EnforcementStage[];
  /** Target stage ('stay' = the stage does not change); re-inspections branch on their result. */
  to: EnforcementStage | 'stay' | { rectified: EnforcementStage; not_rectified: EnforcementStage };
  /** The document this step issues (numbered, PDF, verification code). */
  document: EnforcementDocKind | null;
  /** Documents are signed by two enforcement officers. */
  twoOfficers: boolean;
  requires: readonly StepField[];
  /** The clock the target stage runs: a rectification deadline, the party's periods, or the payment due date. */
  clock: 'deadline' | 'statement' | 'payment' | null;
}

export const LADDER: readonly LadderRule[] = [
  { kind: 'order', zh: '现场检查·普法·责令改正', en: 'Inspection, education and rectification order', from: ['opened'], to: 'ordered', document: 'order', twoOfficers: true, requires: ['deadlineAt', 'gps', 'photoIds'], clock: 'deadline' },
  { kind: 'reinspection', zh: '复查', en: 'Re-inspection', from: ['ordered'], to: { rectified: 'closed', not_rectified: 'order_failed' }, document: null, twoOfficers: false, requires: ['gps', 'result'], clock: null },
  { kind: 'notice', zh: '责令整改告知单', en: 'Rectification notice', from: ['order_failed'], to: 'noticed', document: 'notice', twoOfficers: true, requires: ['deadlineAt'], clock: 'deadline' },
  { kind: 'reinspection', zh: '再次复查', en: 'Second re-inspection', from: ['noticed'], to: { rectified: 'closed', not_rectified: 'notice_failed' }, document: null, twoOfficers: false, requires: ['gps', 'result'], clock: null },
  { kind: 'prior_notice', zh: '行政处罚事先告知书', en: 'Prior notice of penalty', from: ['notice_failed'], to: 'prior_noticed', document: 'prior_notice', twoOfficers: true, requires: ['fineAmount'], clock: 'statement' },
  { kind: 'statement', zh: '陈述申辩记录', en: 'Statement and defence', from: ['prior_noticed', 'hearing_requested', 'heard'], to: 'stay', document: null, twoOfficers: false, requires: ['statement'], clock: null },
  { kind: 'hearing_request', zh: '听证申请', en: 'Hearing request', from: ['prior_noticed'], to: 'hearing_requested', document: null, twoOfficers: false, requires: [], clock: null },
  { kind: 'hearing', zh: '听证笔录', en: 'Hearing record', from: ['hearing_requested'], to: 'heard', document: null, twoOfficers: false, requires: ['hearing'], clock: null },
  { kind: 'decision', zh: '行政处罚决定书', en: 'Penalty decision', from: ['prior_noticed', 'heard'], to: 'decided', document: 'decision', twoOfficers: true, requires: ['fineAmount'], clock: 'payment' },
  { kind: 'payment', zh: '缴纳罚款', en: 'Fine paid', from: ['decided'], to: 'closed', document: null, twoOfficers: false, requires: ['note'], clock: null },
];

/** The extra rung a repeat offender may take when the subdistrict's rule is on. */
export const REPEAT_SHORTCUT: LadderRule = { ...LADDER[2]!, from: ['opened'] };

export const STAGE_LABELS: Record<EnforcementStage, { zh: string; en: string }> = {
  opened: { zh: '已立案待检查', en: 'Opened' },
  ordered: { zh: '已责令改正', en: 'Order issued' },
  order_failed: { zh: '复查未整改', en: 'Not rectified after order' },
  noticed: { zh: '已发告知单', en: 'Notice issued' },
  notice_failed: { zh: '再次复查未整改', en: 'Not rectified after notice' },
  prior_noticed: { zh: '已事先告知·陈述申辩期', en: 'Prior notice served; statement period' },
  hearing_requested: { zh: '已申请听证', en: 'Hearing requested' },
  heard: { zh: '已听证', en: 'Hearing held' },
  decided: { zh: '已作出处罚决定', en: 'Penalty decided' },
  closed: { zh: '已结案', en: 'Closed' },
};

export const DOC_TITLES: Record<EnforcementDocKind, { zh: string; en: string }> = {
  order: { zh: '责令改正通知书', en: 'Rectification order' },
  notice: { zh: '责令整改告知单', en: 'Rectification notice' },
  prior_notice: { zh: '行政处罚事先告知书', en: 'Prior notice of administrative penalty' },
  decision: { zh: '行政处罚决定书', en: 'Administrative penalty decision' },
};

/** Rules the ladder allows from a stage (the repeat shortcut only when it applies; a hearing request only where the fine reaches the threshold). */
export function rulesFrom(stage: EnforcementStage, repeatShortcut: boolean, hearingEligible = false): LadderRule[] {
  const rules = LADDER.filter((r) => r.from.includes(stage) && (r.kind !== 'hearing_request' || hearingEligible));
  if (repeatShortcut && stage === 'opened') rules.push(REPEAT_SHORTCUT);
  return rules;
}

export function targetStage(rule: LadderRule, result: 'rectified' | 'not_rectified' | null, from: EnforcementStage): EnforcementStage {
  if (rule.to === 'stay') return from;
  if (typeof rule.to === 'string') return rule.to;
  if (!result) throw new Error('re-inspection without a result');
  return rule.to[result];
}

/** The name of a step of any kind (officer steps from the table; the platform's own steps too). */
export function stepLabel(kind: string): { zh: string; en: string } {
  const rule = LADDER.find((r) => r.kind === kind);
  if (rule) return { zh: kind === 'reinspection' ? '复查' : rule.zh, en: kind === 'reinspection' ? 'Re-inspection' : rule.en };
  if (kind === 'dispatch') return { zh: '复查派单', en: 'Re-inspection dispatched' };
  if (kind === 'overdue') return { zh: '罚款逾期未缴', en: 'Fine overdue' };
  if (kind === 'open') return { zh: '执法立案', en: 'Enforcement case opened' };
  if (kind === 'close') return { zh: '执法结案', en: 'Enforcement case closed' };
  if (kind === 'correction') return { zh: '文书更正', en: 'Document corrected' };
  if (kind === 'reopen') return { zh: '核查不通过，恢复执法程序', en: 'Reopened after a failed check' };
  if (kind === 'service') return { zh: '文书送达', en: 'Document served' };
  if (kind === 'retime') return { zh: '期间随工作日历调整', en: 'Periods re-timed with the calendar' };
  return { zh: kind, en: kind };
}

/**
 * The label of a case event the enforcement ladder wrote (`enforcement_<step>`), for the case's
 * timeline: the ladder does not move the case's status, so the step names the event.
 */
export function eventLabel(action: string): { kind: 'enforcement'; zh: string; en: string } | null {
  if (!action.startsWith('enforcement_')) return null;
  return { kind: 'enforcement', ...stepLabel(action.slice('enforcement_'.length)) };
}
