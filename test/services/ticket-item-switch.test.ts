import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/db.js';
import { type TestContext, signInAs } from '../helpers/app.js';
import { actorOf, cadreWindow, offeredItemWithPrefix, postAs, servicesContext, windowRecordBody } from './helpers.js';

/**
 * At the window the applicant needs another item than the ticket was taken for: the clerk switches
 * the called or started ticket's item to one the point offers; the switch is an event (who, when,
 * from, to), the record is made for the item served, and the waiting figures count the wait in the
 * queue stood in and the service under the item served.
 */
describe.each(DIALECTS)('switching a ticket\'s item at the window (%s)', (kind) => {
  let ctx: TestContext;
  let point: Awaited<ReturnType<typeof cadreWindow>>['point'];
  let itemA: string;
  let itemB: string;
  let notOffered: string;
  let cookie: string;
  let post: ReturnType<typeof postAs>;
  let cadreId: string;

  beforeAll(async () => {
    ctx = await servicesContext(kind);
    ({ point, itemA, cookie, post } = await cadreWindow(ctx));
    const db = ctx.handle.db;
    itemB = await offeredItemWithPrefix(ctx, point.id, 'B');
    // The window offers every item of the demo: one is taken off its offer.
    notOffered = (await db
      .selectFrom('service_point_items').select('item_id').where('point_id', '=', point.id).where('item_id', 'not in', [itemA, itemB])
      .orderBy('item_id').executeTakeFirstOrThrow()).item_id;
    await db.deleteFrom('service_point_items').where('point_id', '=', point.id).where('item_id', '=', notOffered).execute();
    cadreId = (await actorOf(ctx, 'cadre01')).userId;
  }, 60_000);
  afterAll(async () => ctx?.close());

  const walkIn = async (itemId: string) => (await post('/api/services/queue/tickets', { pointId: point.id, itemId })).json();
  const callNext = async () => (await post('/api/services/queue/call-next', { pointId: point.id })).json().ticket;
  const switchTo = (ticketId: string, itemId: string) => post(`/api/services/queue/tickets/${ticketId}/switch-item`, { itemId });
  const recordFor = (itemId: string, ticketId: string, appointmentId: string | null = null) =>
    post('/api/services/records', windowRecordBody(point.id, itemId, ticketId, appointmentId));
  const clearQueue = async () => {
    const db = ctx.handle.db;
    await db.deleteFrom('service_ticket_item_changes').where('point_id', '=', point.id).execute();
    await db.updateTable('service_tickets').set({ record_id: null }).where('point_id', '=', point.id).execute();
    await db.updateTable('service_records').set({ ticket_id: null, appointment_id: null }).where('point_id', '=', point.id).execute();
    await db.updateTable('service_appointments').set({ ticket_id: null }).where('point_id', '=', point.id).execute();
    await db.deleteFrom('service_tickets').where('point_id', '=', point.id).execute();
    await db.deleteFrom('service_ticket_counters').where('point_id', '=', point.id).execute();
    await db.deleteFrom('service_appointments').where('point_id', '=', point.id).execute();
  };

  it('a called ticket switches to another item the point offers: the event names who, when, from and to; the record is of the item served', async () => {
    await clearQueue();
    ctx.clock.set('2026-05-26T02:30:00Z');
    const t = await walkIn(itemA);
    ctx.clock.set('2026-05-26T02:34:00Z');
    expect((await callNext()).id).toBe(t.id);
    ctx.clock.set('2026-05-26T02:35:00Z');
    const res = await switchTo(t.id, itemB);
    expect(res.statusCode).toBe(200);
    expect(res.json().ticket).toMatchObject({ id: t.id, itemId: itemB, issuedItemId: itemA, number: t.number, status: 'called' });
    expect(res.json().change).toMatchObject({ fromItemId: itemA, toItemId: itemB, changedBy: cadreId, changedAt: '2026-05-26T02:35:00.000Z', ticketStatus: 'called' });
    // The queue lists it with the item served, and the item it was taken for.
    const listed = (await ctx.app.inject({ url: `/api/services/queue/tickets?pointId=${point.id}`, headers: { cookie } })).json().others.find((x: { id: string }) => x.id === t.id);
    expect(listed).toMatchObject({ itemId: itemB, issuedItemId: itemA });
    // The record is of the item served: the item it was taken for is another item now.
    expect((await post(`/api/services/queue/tickets/${t.id}/start`)).statusCode).toBe(200);
    const wrong = await recordFor(itemA, t.id);
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.details.fields[0]).toMatchObject({ field: 'ticketId', reason: 'the ticket is for another item' });
    // Switched again while being served, then back: every switch is kept, in order.
    ctx.clock.set('2026-05-26T02:36:00Z');
    expect((await switchTo(t.id, itemA)).json().change).toMatchObject({ fromItemId: itemB, toItemId: itemA, ticketStatus: 'serving' });
    ctx.clock.set('2026-05-26T02:37:00Z');
    expect((await switchTo(t.id, itemB)).json().ticket).toMatchObject({ itemId: itemB, issuedItemId: itemA });
    const history = (await ctx.app.inject({ url: `/api/services/queue/tickets/${t.id}/item-changes`, headers: { cookie } })).json();
    expect(history).toMatchObject({ ticketId: t.id, issuedItemId: itemA, itemId: itemB });
    expect(history.changes.map((c: { fromItemId: string; toItemId: string; changedAt: string }) => [c.fromItemId, c.toItemId, c.changedAt])).toEqual([
      [itemA, itemB, '2026-05-26T02:35:00.000Z'], [itemB, itemA, '2026-05-26T02:36:00.000Z'], [itemA, itemB, '2026-05-26T02:37:00.000Z'],
    ]);
    const rec = await recordFor(itemB, t.id);
    expect(rec.statusCode).toBe(201);
    // Once the record is made, its item is the ticket's.
    const after = await switchTo(t.id, itemA);
    expect(after.statusCode).toBe(400);
    expect(after.json().error.details.fields[0]).toMatchObject({ field: 'itemId', reason: 'the ticket already has its record' });
    ctx.clock.set('2026-05-26T02:45:00Z');
    expect((await post(`/api/services/queue/tickets/${t.id}/finish`, { recordId: rec.json().record.id })).json()).toMatchObject({ status: 'done', itemId: itemB });

    // Figures: the wait (4 min) in A's queue, the service (10 min) of B; the point counts the ticket once.
    const figures = (await ctx.app.inject({ url: `/api/services/reports/waiting-times?from=2026-05-26&to=2026-05-26&pointId=${point.id}`, headers: { cookie: await signInAs(ctx.app, 'operator') } })).json();
    const row = (itemId: string | null) => (itemId ? figures.byItem.find((r: { itemId: string }) => r.itemId === itemId) : figures.byPoint[0]);
    expect(row(itemA)).toMatchObject({ tickets: 1, walkIns: 1, called: 1, waitMedianS: 240, served: 0, serviceMedianS: null });
    expect(row(itemB)).toMatchObject({ tickets: 0, called: 0, waitMedianS: null, served: 1, serviceMedianS: 600 });
    expect(row(null)).toMatchObject({ tickets: 1, called: 1, served: 1, waitMedianS: 240, serviceMedianS: 600 });
  });

  it('refused naming the field: an item the point does not offer, the same item, a ticket not called or started', async () => {
    await clearQueue();
    ctx.clock.set('2026-05-26T02:30:00Z');
    const waiting = await walkIn(itemA);
    const w = await switchTo(waiting.id, itemB);
    expect(w.statusCode).toBe(409);
    expect(w.json().error).toMatchObject({ code: 'transition_not_allowed' });
    expect(w.json().error.details.fields[0]).toMatchObject({ field: 'status' });
    const called = await callNext();
    const off = await switchTo(called.id, notOffered);
    expect(off.statusCode).toBe(400);
    expect(off.json().error.details.fields[0]).toMatchObject({ field: 'itemId', reason: 'this point does not offer the item' });
    const unknown = await switchTo(called.id, 'no-such-item');
    expect(unknown.json().error.details.fields[0]).toMatchObject({ field: 'itemId', reason: 'this point does not offer the item' });
    const same = await switchTo(called.id, itemA);
    expect(same.statusCode).toBe(400);
    expect(same.json().error.details.fields[0].field).toBe('itemId');
    const missing = await post(`/api/services/queue/tickets/${called.id}/switch-item`, {});
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details.fields[0].field).toBe('itemId');
    expect((await post(`/api/services/queue/tickets/${called.id}/skip`)).statusCode).toBe(200);
    const skipped = await switchTo(called.id, itemB);
    expect(skipped.statusCode).toBe(409);
    expect(skipped.json().error.details.fields[0]).toMatchObject({ field: 'status' });
    // Nothing was switched: the ticket and its events are as they were.
    const db = ctx.handle.db;
    expect(await db.selectFrom('service_ticket_item_changes').select('id').where('point_id', '=', point.id).execute()).toEqual([]);
    expect(await db.selectFrom('service_tickets').select(['item_id', 'issued_item_id']).where('id', '=', called.id).executeTakeFirstOrThrow()).toEqual({ item_id: itemA, issued_item_id: null });
    // Someone who is not on the point's staff does not see the ticket.
    const other = await signInAs(ctx.app, 'cadre02');
    expect((await ctx.app.inject({ method: 'POST', url: `/api/services/queue/tickets/${waiting.id}/switch-item`, headers: { cookie: other }, payload: { itemId: itemB } })).statusCode).toBe(404);
  });

  it('a booked citizen\'s ticket switched at the window is recorded with the booking, for the item served', async () => {
    await clearQueue();
    ctx.clock.set('2026-05-26T02:30:00Z');
    const booked = await ctx.app.inject({ method: 'POST', url: '/api/public/appointments', payload: { pointId: point.id, itemId: itemA, day: '2026-05-26', starts: '13:30', name: '周敏', phone: '13955556666' } });
    expect(booked.statusCode).toBe(201);
    const appt = (await ctx.app.inject({ url: `/api/services/appointments?code=${booked.json().appointment.code}`, headers: { cookie } })).json().items[0];
    ctx.clock.set('2026-05-26T05:30:00Z');
    const checked = (await post(`/api/services/appointments/${appt.id}/check-in`)).json();
    const called = await callNext();
    expect(called.id).toBe(checked.ticket.id);
    expect((await switchTo(called.id, itemB)).statusCode).toBe(200);
    const rec = await recordFor(itemB, called.id, appt.id);
    expect(rec.statusCode).toBe(201);
    expect(rec.json().record).toMatchObject({ itemId: itemB, ticketId: called.id, appointmentId: appt.id });
    ctx.clock.set('2026-05-26T02:30:00Z');
  });
});
