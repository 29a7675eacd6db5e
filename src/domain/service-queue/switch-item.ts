import type { Db } from '../../db/index.js';
import { ITEM_SWITCH_STATUSES, type ServiceTicketItemChangeTable, type ServiceTicketTable } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { parseInput } from '../cases/case-input.js';
import { announceServiceChange } from '../dashboard/service-changes.js';
import { pointAccess } from '../service-records/point-access.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, invalidField } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { SwitchItemInput } from './queue-input.js';
import { loadTicket, ticketDto } from './tickets.js';

export const itemChangeDto = (c: ServiceTicketItemChangeTable) => ({
  id: c.id, ticketId: c.ticket_id, fromItemId: c.from_item_id, toItemId: c.to_item_id, ticketStatus: c.ticket_status, changedBy: c.changed_by, changedAt: c.changed_at,
});

const switchable = (status: string): status is (typeof ITEM_SWITCH_STATUSES)[number] => (ITEM_SWITCH_STATUSES as readonly string[]).includes(status);

/**
 * The applicant at the window needs another item than the ticket was taken for (called or being
 * served, before its record is made): the ticket's item becomes the one the point offers that is
 * served, and the switch is an event on the ticket (who, when, from, to). The ticket keeps the item
 * it was issued for, so the waiting figures count its wait in the queue it stood in and its service
 * under the item served. Once, as every step: a conditional update on the status and item read.
 * The caller owns the transaction.
 */
export async function switchTicketItem(db: Db, clock: Clock, actor: Actor, id: string, raw: SwitchItemInput) {
  const input = parseInput(SwitchItemInput, raw);
  const t = await loadTicket(db, actor, id);
  if (!switchable(t.status)) {
    throw new DomainError('transition_not_allowed', `switch item: the ticket is ${t.status}`, {
      action: 'switch_item', status: t.status, fields: [{ field: 'status', reason: 'only a called or started ticket switches item' }],
    });
  }
  if (input.itemId === t.item_id) throw invalidField('itemId', 'the ticket is already for this item');
  const [point, item] = await Promise.all([
    pointAccess(db, t.point_id, input.itemId, actor.userId),
    db.selectFrom('service_items').select('active').where('id', '=', input.itemId).executeTakeFirst(),
  ]);
  if (!point?.offered || !item || Number(item.active) !== 1) throw invalidField('itemId', 'this point does not offer the item');
  // A record made for the ticket fixed its item: the record is of that item, so is the ticket.
  if (t.record_id) throw invalidField('itemId', 'the ticket already has its record');
  const issued = t.issued_item_id ?? t.item_id;
  const res = await db
    .updateTable('service_tickets')
    .set({ item_id: input.itemId, issued_item_id: issued })
    .where('id', '=', t.id)
    .where('status', '=', t.status)
    .where('item_id', '=', t.item_id)
    .where('record_id', 'is', null)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) throw new DomainError('conflict', 'switch item: the ticket was changed by someone else; reload it');
  // Read after the update: a record being made for the ticket at another window holds a share
  // lock on it (records.ts) until it commits, so the update waited for it and this read sees it.
  const own = await db.selectFrom('service_records').select('id').where('ticket_id', '=', t.id).executeTakeFirst();
  if (own) throw invalidField('itemId', 'the ticket already has its record');
  const change: ServiceTicketItemChangeTable = {
    id: newId(), ticket_id: t.id, subdistrict_id: t.subdistrict_id, point_id: t.point_id, from_item_id: t.item_id, to_item_id: input.itemId,
    ticket_status: t.status, changed_by: actor.userId, changed_at: clock.now().toISOString(),
  };
  await db.insertInto('service_ticket_item_changes').values(change).execute();
  await announceServiceChange(db, { subdistrictId: t.subdistrict_id, committeeId: t.committee_id, pointId: t.point_id, kind: 'ticket' });
  return { ticket: ticketDto({ ...t, item_id: input.itemId, issued_item_id: issued } as ServiceTicketTable), change: itemChangeDto(change) };
}

/** The switches of a ticket's item, in order (the ticket as loadTicket lets the actor see it). */
export async function ticketItemChanges(db: Db, actor: Actor, id: string) {
  const t = await loadTicket(db, actor, id);
  const rows = await db.selectFrom('service_ticket_item_changes').selectAll().where('ticket_id', '=', t.id).orderBy('changed_at').orderBy('id').execute();
  return { ticketId: t.id, issuedItemId: t.issued_item_id ?? t.item_id, itemId: t.item_id, changes: rows.map(itemChangeDto) };
}
