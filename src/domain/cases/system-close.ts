import type { Db } from '../../db/index.js';
import type { CaseTable } from '../../db/schema.js';
import type { Clock } from '../shared/clock.js';
import { appendCaseEvent, type EventActor } from './events.js';
import { OPEN_STATUSES } from './lifecycle.js';
import { announceBadRatingCase } from '../dashboard/service-changes.js';
import { DomainError } from '../shared/errors.js';

/**
 * Ends an open case because the thing it was about was settled outside the desk's steps: closed
 * when it resolved itself (an enforcement ladder that ended, a terminal that came back), cancelled
 * (注销) when it should not have been a case at all (a 差评 voided on appeal). One event named
 * `action` on the hash chain says why, and the deadline columns and the stage's marks (remind_at,
 * reminded_key, overdue_at, escalated_key) are cleared so the case-deadline job stops waiting on
 * anyone. A cancelled case keeps no handling that counts, as with the desk's own cancel. A case already closed (or cancelled, merged) is left alone and null returned.
 */
export async function endCaseOutsideDesk(
  trx: Db, clock: Clock, caseId: string, opts: { actor: EventActor; action: string; reason: string; to?: 'closed' | 'cancelled' },
) {
  const c = await trx.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();
  if (!OPEN_STATUSES.includes(c.status)) return null;
  const to = opts.to ?? 'closed';
  const at = clock.now().toISOString();
  const next: Partial<CaseTable> = {
    status: to, pending_request: null, requested_due_at: null, status_reason: opts.reason,
    // Every mark of the stage goes with it (as the desk's own endings, stageColumns): an overdue_at
    // left on an ended case kept it in the 超期 queue for ever. overdue_count and the events keep the history.
    stage_started_at: null, stage_due_at: null, remind_at: null, reminded_key: null, overdue_at: null, escalated_key: null,
    version: c.version + 1, updated_at: at,
    ...(to === 'closed' ? { closed_at: at } : { cancelled_at: at, handled_at: null, handled_on_time: null }),
  };
  // At the version read: a desk step racing this one makes it write nothing, and the caller's
  // transaction is answered stale_version (a lost update otherwise).
  const res = await trx.updateTable('cases').set(next).where('id', '=', c.id).where('version', '=', c.version).executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) throw new DomainError('stale_version', 'The case was changed by someone else meanwhile; try again');
  await announceBadRatingCase(trx, c.id);
  return appendCaseEvent(trx, clock, {
    subdistrictId: c.subdistrict_id, caseId: c.id, action: opts.action, fromStatus: c.status, toStatus: to, actor: opts.actor,
    note: opts.reason, changes: { status: [c.status, to], ...(c.stage_due_at && { stage_due_at: [c.stage_due_at, null] }) },
  });
}
