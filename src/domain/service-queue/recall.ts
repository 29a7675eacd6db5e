import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { parseInput } from '../cases/case-input.js';
import { announceServiceChange } from '../dashboard/service-changes.js';
import type { Clock } from '../shared/clock.js';
import { DomainError } from '../shared/errors.js';
import { shanghaiDate } from '../calendar/office-hours.js';
import { RecallInput } from './queue-input.js';
import { loadTicket, ticketDto } from './tickets.js';

/**
 * 过号重呼: a ticket skipped because nobody came to the window is called again when its holder
 * comes back, the same day, by the window that recalls it (it becomes that window's current
 * ticket). The first call's instant stays (the wait is issued → first call); the skip and the
 * recall are both kept. Once, as every step: a conditional update on the status.
 */
export async function recallTicket(db: Db, clock: Clock, actor: Actor, id: string, raw: RecallInput = {}) {
  const input = parseInput(RecallInput, raw);
  const t = await loadTicket(db, actor, id);
  if (t.status !== 'skipped') throw new DomainError('transition_not_allowed', `recall: the ticket is ${t.status}`, { action: 'recall', status: t.status });
  const now = clock.now();
  if (t.day !== shanghaiDate(now)) {
    throw new DomainError('transition_not_allowed', 'A ticket is recalled only on the day it was issued; issue a new one', { action: 'recall', status: t.status });
  }
  const at = now.toISOString();
  const window = input.window ?? t.window;
  const res = await db
    .updateTable('service_tickets')
    .set({ status: 'called', called_by: actor.userId, window, recalled_at: at })
    .where('id', '=', t.id)
    .where('status', '=', 'skipped')
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) throw new DomainError('conflict', 'recall: the ticket was changed by someone else; reload it');
  await announceServiceChange(db, { subdistrictId: t.subdistrict_id, committeeId: t.committee_id, pointId: t.point_id, kind: 'ticket' });
  return ticketDto({ ...t, status: 'called', called_by: actor.userId, window, recalled_at: at });
}
