import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/db.js';
import { type TestContext } from '../helpers/app.js';
import { cadreWindowContext, windowRecordBody } from './helpers.js';

/**
 * The ticket order rule serves tickets in the order the queue calls them: a record names the ticket
 * its window called (or is serving, or has finished), never one still waiting — that would serve its
 * holder out of turn and leave the ticket in the queue to be called again for a service already given.
 */
describe.each(DIALECTS)('a record names a ticket its window called (%s)', (kind) => {
  let w: Awaited<ReturnType<typeof cadreWindowContext>>;
  let ctx: TestContext;
  beforeAll(async () => {
    w = await cadreWindowContext(kind);
    ctx = w.ctx;
  }, 60_000);
  afterAll(async () => ctx?.close());

  it('a ticket still waiting is refused naming ticketId and stays in the queue in its place; once called it is recorded', async () => {
    ctx.clock.set('2026-05-26T02:30:00Z');
    const first = (await w.post('/api/services/queue/tickets', { pointId: w.point.id, itemId: w.itemA })).json();
    ctx.clock.set('2026-05-26T02:31:00Z');
    const second = (await w.post('/api/services/queue/tickets', { pointId: w.point.id, itemId: w.itemA })).json();
    const records = async () => ctx.handle.db.selectFrom('service_records').select('id').where('ticket_id', 'in', [first.id, second.id]).execute();

    // The window serves the second ticket's holder while the first still waits, without calling anyone.
    const jumped = await w.post('/api/services/records', windowRecordBody(w.point.id, w.itemA, second.id));
    expect(jumped.statusCode).toBe(400);
    expect(jumped.json().error.details.fields[0]).toMatchObject({ field: 'ticketId', reason: 'the ticket has not been called' });
    expect(await records()).toEqual([]);
    const t = await ctx.handle.db.selectFrom('service_tickets').select(['status', 'record_id']).where('id', '=', second.id).executeTakeFirstOrThrow();
    expect(t).toEqual({ status: 'waiting', record_id: null });

    // In turn: the first is called and recorded (called, not yet started, is enough), then the second.
    ctx.clock.set('2026-05-26T02:34:00Z');
    expect((await w.post('/api/services/queue/call-next', { pointId: w.point.id })).json().ticket.id).toBe(first.id);
    expect((await w.post('/api/services/records', windowRecordBody(w.point.id, w.itemA, first.id))).statusCode).toBe(201);
    expect((await w.post(`/api/services/queue/tickets/${first.id}/start`)).statusCode).toBe(200);
    expect((await w.post(`/api/services/queue/tickets/${first.id}/finish`, {})).statusCode).toBe(200);
    expect((await w.post('/api/services/queue/call-next', { pointId: w.point.id })).json().ticket.id).toBe(second.id);
    expect((await w.post(`/api/services/queue/tickets/${second.id}/start`)).statusCode).toBe(200);
    expect((await w.post('/api/services/records', windowRecordBody(w.point.id, w.itemA, second.id))).statusCode).toBe(201);
    expect(await records()).toHaveLength(2);
  });
});
