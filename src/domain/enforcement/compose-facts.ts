import type { EnforcementStepTable } from '../../db/schema.js';
import { zhDateTime } from './document-content.js';

/** What a step records besides its columns (enforcement_steps.details). */
export interface StepDetails {
  findings?: string[];
  deadlineSuggestedAt?: string;
  deadlineReason?: string;
  statement?: { kind: 'statement' | 'waiver'; form: 'written' | 'oral'; text?: string };
  hearing?: { hostId: string; hostName: string; heldAt: string; summary: string };
  defence?: 'adopted' | 'partly_adopted' | 'not_adopted';
  defenceReason?: string;
}

export const detailsOf = (s: Pick<EnforcementStepTable, 'details'>): StepDetails => JSON.parse(s.details || '{}') as StepDetails;

const sentence = (t: string) => (/[。！？.!?]$/.test(t) ? t : `${t}。`);

/**
 * The 经查 paragraph of a document, composed from structured facts only: the facts found when
 * the case was opened, then each inspection's findings with its time. Free-text notes (a
 * receipt number, a reminder to a colleague) never reach a document.
 */
export function composeFacts(openedAt: string, openingFacts: string, steps: Pick<EnforcementStepTable, 'kind' | 'at' | 'result' | 'details'>[]): string {
  const parts = [`${zhDateTime(openedAt)}，执法人员现场检查发现：${sentence(openingFacts)}`];
  for (const s of steps) {
    const f = detailsOf(s).findings;
    if (!f?.length) continue;
    const what = s.kind === 'reinspection' ? (s.result === 'not_rectified' ? '复查发现仍未整改' : '复查发现') : '现场检查发现';
    parts.push(`${zhDateTime(s.at)}，${what}：${sentence(f.join('；'))}`);
  }
  return parts.join('');
}
