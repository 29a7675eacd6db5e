import type { Db } from '../../db/index.js';
import type { CaseTable } from '../../db/schema.js';
import { type Notification, notify } from '../notifications/notify.js';
import type { Clock } from '../shared/clock.js';
import type { CaseAction } from './lifecycle.js';

/** Who hears about a transition (inbox + WeCom outbox), queued in the transition's transaction. */
export async function notifyTransition(db: Db, clock: Clock, action: CaseAction, c: CaseTable, reason: string | null) {
  const n = transitionNotice(action, c, reason);
  if (n) await notify(db, clock, n);
}

/** The notification a transition sends (undefined when nobody is told), as the case stands after it. */
export function transitionNotice(action: CaseAction, c: CaseTable, reason: string | null): Notification | undefined {
  const assignee = { userIds: c.assigned_user_id ? [c.assigned_user_id] : undefined, handlingUnitId: c.assigned_user_id ? null : c.assigned_unit_id };
  // The case's committee: operators scoped to one committee hear only of its cases.
  const operators = { roles: ['operator' as const], committeeId: c.committee_id };
  const base = { subdistrictId: c.subdistrict_id, caseId: c.id, dedupeKey: `${action}:${c.id}:${c.version}` };
  // Stored language-neutrally (notifications/messages.ts), read in each reader's language.
  const dueAt = c.stage_due_at ?? null;
  switch (action) {
    case 'dispatch':
    case 'redispatch':
    case 'release_hold':
      return { ...base, recipients: assignee, kind: 'case_dispatched', message: { key: 'case_dispatched', params: { number: c.number, description: c.description, dueAt } } };
    case 'check_fail':
      return { ...base, recipients: assignee, kind: 'case_rework', message: { key: 'case_rework', params: { number: c.number, reason: reason ?? '', dueAt } } };
    case 'request_hold':
      return { ...base, recipients: operators, kind: 'hold_requested', message: { key: 'hold_requested', params: { number: c.number, reason: reason ?? '' } } };
    case 'request_extension':
      return { ...base, recipients: operators, kind: 'extension_requested', message: { key: 'extension_requested', params: { number: c.number, reason: reason ?? '', requestedDueAt: c.requested_due_at ?? null } } };
    case 'approve_hold':
    case 'refuse_hold':
    case 'approve_extension':
    case 'refuse_extension':
      return { ...base, recipients: assignee, kind: `case_${action}`, message: { key: 'case_request_answered', params: { number: c.number, approved: action.startsWith('approve') ? 1 : 0, reason: reason ?? '' } } };
    case 'handle':
      return { ...base, recipients: c.checker_user_id ? { ...operators, userIds: [c.checker_user_id] } : operators, kind: 'case_handled', message: { key: 'case_handled', params: { number: c.number, description: c.description } } };
    default:
      return undefined;
  }
}
