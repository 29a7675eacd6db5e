import type { Db } from '../../db/index.js';
import type { CaseTable } from '../../db/schema.js';
import { appendCaseEvent, type EventActor } from '../cases/events.js';
import { OPEN_STATUSES } from '../cases/lifecycle.js';
import type { Clock } from '../shared/clock.js';

/**
 * When the ladder ends (rectified, or the fine paid), the linked case in the loop is closed on
 * the platform (流转结案) with an `enforcement_close` event on the hash chain. Its deadline
 * columns are cleared so the case-deadline job stops waiting on anyone. A case already closed
 * by the loop itself is left alone.
 */
export async function closeLinkedCase(trx: Db, clock: Clock, caseId: string, actor: EventActor, outcome: 'rectified' | 'paid') {
  const c = await trx.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();
  if (!OPEN_STATUSES.includes(c.status)) return null;
  const at = clock.now().toISOString();
  const reason = outcome === 'rectified' ? '执法复查已整改，结案' : '行政处罚罚款已缴纳，结案';
  const next: Partial<CaseTable> = {
    status: 'closed', closed_at: at, pending_request: null, requested_due_at: null, status_reason: reason,
    stage_started_at: null, stage_due_at: null, remind_at: null, version: c.version + 1, updated_at: at,
  };
  await trx.updateTable('cases').set(next).where('id', '=', c.id).execute();
  return appendCaseEvent(trx, clock, {
    subdistrictId: c.subdistrict_id, caseId: c.id, action: 'enforcement_close', fromStatus: c.status, toStatus: 'closed', actor,
    note: reason, changes: { status: [c.status, 'closed'] },
  });
}
