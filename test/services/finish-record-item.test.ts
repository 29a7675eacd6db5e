import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/db.js';
import { cadreWindowContext, windowRecordBody } from './helpers.js';

/**
 * A ticket finished with a record made before (without naming the ticket) takes only a record of the
 * item the ticket serves — the item it was taken for, or the one it was switched to at the window —
 * as a record naming the ticket must be (createRecord): the waiting figures count the service under
 * the ticket's item.
 */
describe.each(DIALECTS)('finishing a ticket with a record of its item (%s)', (kind) => {
  let w: Awaited<ReturnType<typeof cadreWindowContext>>;
  let itemB: string;

  beforeAll(async () => {
    w = await cadreWindowContext(kind);
    itemB = (await w.ctx.handle.db.selectFrom('service_point_items').select('item_id').where('point_id', '=', w.point.id).where('item_id', '!=', w.itemA).orderBy('item_id').executeTakeFirstOrThrow()).item_id;
  }, 60_000);
  afterAll(async () => w?.ctx.close());

  const started = async (itemId: string) => {
    const t = (await w.post('/api/services/queue/tickets', { pointId: w.point.id, itemId })).json();
    let called = (await w.post('/api/services/queue/call-next', { pointId: w.point.id })).json().ticket;
    while (called && called.id !== t.id) {
      await w.post(`/api/services/queue/tickets/${called.id}/skip`);
      called = (await w.post('/api/services/queue/call-next', { pointId: w.point.id })).json().ticket;
    }
    expect(called?.id).toBe(t.id);
    expect((await w.post(`/api/services/queue/tickets/${t.id}/start`)).statusCode).toBe(200);
    return t.id as string;
  };
  const recordOf = async (itemId: string) => {
    const res = await w.post('/api/services/records', windowRecordBody(w.point.id, itemId, null));
    expect(res.statusCode, res.body).toBe(201);
    return res.json().record.id as string;
  };

  it('a record of another item is refused naming recordId and nothing is linked; one of the ticket\'s item closes it', async () => {
    const ticket = await started(w.itemA);
    const other = await recordOf(itemB);
    const refused = await w.post(`/api/services/queue/tickets/${ticket}/finish`, { recordId: other });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details.fields[0]).toEqual({ field: 'recordId', reason: 'the record is for another item' });
    const db = w.ctx.handle.db;
    expect(await db.selectFrom('service_records').select('ticket_id').where('id', '=', other).executeTakeFirstOrThrow()).toEqual({ ticket_id: null });
    expect(await db.selectFrom('service_tickets').select(['status', 'record_id']).where('id', '=', ticket).executeTakeFirstOrThrow()).toEqual({ status: 'serving', record_id: null });

    const own = await recordOf(w.itemA);
    const done = await w.post(`/api/services/queue/tickets/${ticket}/finish`, { recordId: own });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ id: ticket, status: 'done', recordId: own });
  });
});
