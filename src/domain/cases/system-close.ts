import type { Db } from '../../db/index.js';
import type { CaseTable } from '../../db/schema.js';
import type { Clock } from '../shared/clock.js';
import { appendCaseEvent, type EventActor } from './events.js';
import { OPEN_STATUSES } from './lifecycle.js';
import { announceBadRatingCase } from '../dashboard/service-changes.js';

/**
 * Closes an open case because the thing it was about resolved itself outside the desk's steps
 * (an enforcement ladder that ended, a terminal that came back): one event named `action` on the
 * hash chain saying why, and the deadline columns cleared so the case-deadline job stops waiting
 * on anyone. A case already closed (or cancelled, merged) is left alone and null returned.
 */
export async function closeCaseOutsideDesk(trx: Db, clock: Clock, caseId: string, opts: { actor: EventActor; action: string; reason: string }) {
  const c = await trx.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();
  if (!OPEN_STATUSES.includes(c.status)) return null;
  const at = clock.now().toISOString();
  const next: Partial<CaseTable> = {
    status: 'closed', closed_at: at, pending_request: null, requested_due_at: null, status_reason: opts.reason,
    stage_started_at: null, stage_due_at: null, remind_at: null, version: c.version + 1, updated_at: at,
  };
  await trx.updateTable('cases').set(next).where('id', '=', c.id).execute();
  await announceBadRatingCase(trx, c.id);
  return appendCaseEvent(trx, clock, {
    subdistrictId: c.subdistrict_id, caseId: c.id, action: opts.action, fromStatus: c.status, toStatus: 'closed', actor: opts.actor,
    note: opts.reason, changes: { status: [c.status, 'closed'] },
  });
}
