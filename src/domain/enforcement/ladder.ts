import type { EnforcementDocKind, EnforcementStage } from '../../db/schema.js';

/**
 * The enforcement ladder (管执联动) as ONE declarative table. Each officer step moves the ladder
 * from one stage to the next; stages with a deadline run a clock: when it passes, the job
 * dispatches a re-inspection (派单). A rectified re-inspection closes the ladder at any rung.
 *
 *   opened ─order→ ordered ─reinspection(not rectified)→ order_failed ─notice→ noticed
 *   noticed ─reinspection(not rectified)→ notice_failed ─decision→ decided ─payment→ closed
 *   ordered|noticed ─reinspection(rectified)→ closed
 *   opened ─notice→ noticed   (repeat offender, when the subdistrict's rule says so)
 */
export type OfficerStepKind = 'order' | 'reinspection' | 'notice' | 'decision' | 'payment';

export interface LadderRule {
  kind: OfficerStepKind;
  zh: string;
  en: string;
  from: readonly EnforcementStage[];
  /** Target stage; re-inspections branch on their result. */
  to: EnforcementStage | { rectified: EnforcementStage; not_rectified: EnforcementStage };
  /** The document this step issues (numbered, PDF, verification code). */
  document: EnforcementDocKind | null;
  /** Documents are signed by two enforcement officers. */
  twoOfficers: boolean;
  requires: readonly ('deadlineAt' | 'fineAmount' | 'gps' | 'photoIds' | 'result' | 'note')[];
  /** The clock the target stage runs: a rectification deadline, or the payment due date. */
  clock: 'deadline' | 'payment' | null;
}

export const LADDER: readonly LadderRule[] = [
  { kind: 'order', zh: '现场检查·普法·责令改正', en: 'Inspection, education and rectification order', from: ['opened'], to: 'ordered', document: 'order', twoOfficers: true, requires: ['deadlineAt', 'gps', 'photoIds'], clock: 'deadline' },
  { kind: 'reinspection', zh: '复查', en: 'Re-inspection', from: ['ordered'], to: { rectified: 'closed', not_rectified: 'order_failed' }, document: null, twoOfficers: false, requires: ['gps', 'result'], clock: null },
  { kind: 'notice', zh: '责令整改告知单', en: 'Rectification notice', from: ['order_failed'], to: 'noticed', document: 'notice', twoOfficers: true, requires: ['deadlineAt'], clock: 'deadline' },
  { kind: 'reinspection', zh: '再次复查', en: 'Second re-inspection', from: ['noticed'], to: { rectified: 'closed', not_rectified: 'notice_failed' }, document: null, twoOfficers: false, requires: ['gps', 'result'], clock: null },
  { kind: 'decision', zh: '行政处罚决定书', en: 'Penalty decision', from: ['notice_failed'], to: 'decided', document: 'decision', twoOfficers: true, requires: ['fineAmount'], clock: 'payment' },
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
  decided: { zh: '已作出处罚决定', en: 'Penalty decided' },
  closed: { zh: '已结案', en: 'Closed' },
};

export const DOC_TITLES: Record<EnforcementDocKind, { zh: string; en: string }> = {
  order: { zh: '责令改正通知书', en: 'Rectification order' },
  notice: { zh: '责令整改告知单', en: 'Rectification notice' },
  decision: { zh: '行政处罚决定书', en: 'Administrative penalty decision' },
};

/** Rules the ladder allows from a stage (the repeat shortcut only when it applies). */
export function rulesFrom(stage: EnforcementStage, repeatShortcut: boolean): LadderRule[] {
  const rules = LADDER.filter((r) => r.from.includes(stage));
  if (repeatShortcut && stage === 'opened') rules.push(REPEAT_SHORTCUT);
  return rules;
}

export function targetStage(rule: LadderRule, result: 'rectified' | 'not_rectified' | null): EnforcementStage {
  if (typeof rule.to === 'string') return rule.to;
  if (!result) throw new Error('re-inspection without a result');
  return rule.to[result];
}
