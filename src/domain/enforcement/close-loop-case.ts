import type { Db } from '../../db/index.js';
import type { EventActor } from '../cases/events.js';
import { endCaseOutsideDesk } from '../cases/system-close.js';
import type { Clock } from '../shared/clock.js';

/**
 * When the ladder ends (rectified, or the fine paid), the linked case in the loop is closed on
 * the platform (流转结案) with an `enforcement_close` event on the hash chain. Its deadline
 * columns are cleared so the case-deadline job stops waiting on anyone. A case already closed
 * by the loop itself is left alone.
 */
export async function closeLinkedCase(trx: Db, clock: Clock, caseId: string, actor: EventActor, outcome: 'rectified' | 'paid') {
  const reason = outcome === 'rectified' ? '执法复查已整改，结案' : '行政处罚罚款已缴纳，结案';
  return endCaseOutsideDesk(trx, clock, caseId, { actor, action: 'enforcement_close', reason });
}
