import type { Db } from '../../db/index.js';
import type { CaseTable } from '../../db/schema.js';
import { notify } from '../notifications/notify.js';
import type { Clock } from '../shared/clock.js';
import { shanghaiTime } from './format.js';
import type { CaseAction } from './lifecycle.js';

/** Who hears about a transition (inbox + WeCom outbox), queued in the transition's transaction. */
export async function notifyTransition(db: Db, clock: Clock, action: CaseAction, c: CaseTable, reason: string | null) {
  const assignee = { userIds: c.assigned_user_id ? [c.assigned_user_id] : undefined, handlingUnitId: c.assigned_user_id ? null : c.assigned_unit_id };
  const operators = { roles: ['operator' as const] };
  const base = { subdistrictId: c.subdistrict_id, caseId: c.id, dedupeKey: `${action}:${c.id}:${c.version}` };
  const due = c.stage_due_at ? `，处置时限 ${shanghaiTime(c.stage_due_at)}` : '';
  switch (action) {
    case 'dispatch':
    case 'redispatch':
    case 'release_hold':
      return notify(db, clock, { ...base, recipients: assignee, kind: 'case_dispatched', title: `新派单 ${c.number}`, body: `${c.description}${due}` });
    case 'check_fail':
      return notify(db, clock, { ...base, recipients: assignee, kind: 'case_rework', title: `案件返工 ${c.number}`, body: `核查不通过：${reason ?? ''}${due}` });
    case 'request_hold':
      return notify(db, clock, { ...base, recipients: operators, kind: 'hold_requested', title: `挂账申请 ${c.number}`, body: reason ?? '' });
    case 'request_extension':
      return notify(db, clock, { ...base, recipients: operators, kind: 'extension_requested', title: `延期申请 ${c.number}`, body: `${reason ?? ''}（申请至 ${c.requested_due_at}）` });
    case 'approve_hold':
    case 'refuse_hold':
    case 'approve_extension':
    case 'refuse_extension':
      return notify(db, clock, { ...base, recipients: assignee, kind: `case_${action}`, title: `${action.startsWith('approve') ? '申请已同意' : '申请未同意'} ${c.number}`, body: reason ?? '' });
    case 'handle':
      return notify(db, clock, { ...base, recipients: c.checker_user_id ? { userIds: [c.checker_user_id], roles: ['operator'] } : operators, kind: 'case_handled', title: `待核查 ${c.number}`, body: c.description });
    default:
      return undefined;
  }
}
