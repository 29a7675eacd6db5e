import type { Db } from '../../db/index.js';
import type { CaseTable } from '../../db/schema.js';
import { type Notification, notify } from '../notifications/notify.js';
import type { Clock } from '../shared/clock.js';
import { shanghaiTime } from './format.js';
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
  const due = c.stage_due_at ? `，处置时限 ${shanghaiTime(c.stage_due_at)}` : '';
  switch (action) {
    case 'dispatch':
    case 'redispatch':
    case 'release_hold':
      return { ...base, recipients: assignee, kind: 'case_dispatched', title: `新派单 ${c.number}`, body: `${c.description}${due}` };
    case 'check_fail':
      return { ...base, recipients: assignee, kind: 'case_rework', title: `案件返工 ${c.number}`, body: `核查不通过：${reason ?? ''}${due}` };
    case 'request_hold':
      return { ...base, recipients: operators, kind: 'hold_requested', title: `挂账申请 ${c.number}`, body: reason ?? '' };
    case 'request_extension':
      return { ...base, recipients: operators, kind: 'extension_requested', title: `延期申请 ${c.number}`, body: `${reason ?? ''}（申请至 ${c.requested_due_at ? shanghaiTime(c.requested_due_at) : ''}）` };
    case 'approve_hold':
    case 'refuse_hold':
    case 'approve_extension':
    case 'refuse_extension':
      return { ...base, recipients: assignee, kind: `case_${action}`, title: `${action.startsWith('approve') ? '申请已同意' : '申请未同意'} ${c.number}`, body: reason ?? '' };
    case 'handle':
      return { ...base, recipients: c.checker_user_id ? { ...operators, userIds: [c.checker_user_id] } : operators, kind: 'case_handled', title: `待核查 ${c.number}`, body: c.description };
    default:
      return undefined;
  }
}
