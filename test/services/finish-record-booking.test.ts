import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/domain/shared/ids.js';
import { DIALECTS } from '../helpers/db.js';
import { cadreWindowContext, windowRecordBody } from './helpers.js';

/**
 * A ticket finished with a record made before keeps the record's booking: one booking is one
 * record (createRecord's rule), so the link neither drops the booking a record names nor gives a
 * record a second booking, or a booking a second record.
 */
describe.each(DIALECTS)('finishing a ticket with a record keeps one booking, one record (%s)', (kind) => {
  let w: Awaited<ReturnType<typeof cadreWindowContext>>;
  beforeAll(async () => {
    w = await cadreWindowContext(kind);
  }, 60_000);
  afterAll(async () => w?.ctx.close());

  let n = 0;
  /** A booking of item A at the window for the slot starting now (checked in within its grace). */
  async function booking() {
    const id = newId();
    const at = w.ctx.clock.now().toISOString();
    await w.ctx.handle.db.insertInto('service_appointments').values({
      id, subdistrict_id: w.point.subdistrict_id, committee_id: w.point.committee_id, point_id: w.point.id, item_id: w.itemA, day: '2026-05-26',
      starts: '10:30', ends: '11:30', slot_start_at: at, name: '赵敏', phone: `139123456${String(n).padStart(2, '0')}`, code: `FRB${String(n++).padStart(4, '0')}`,
      token_hash: newId(), status: 'booked', booked_at: at, cancelled_at: null, checked_in_at: null, checked_in_by: null, no_show_at: null, ticket_id: null,
    } as never).execute();
    return id;
  }
  async function record(appointmentId: string | null) {
    const res = await w.post('/api/services/records', windowRecordBody(w.point.id, w.itemA, null, appointmentId));
    expect(res.statusCode, res.body).toBe(201);
    return res.json().record.id as string;
  }
  /** Calls the queue until `ticketId` comes up (skipping whoever is before it) and starts serving it. */
  async function serve(ticketId: string) {
    let called = (await w.post('/api/services/queue/call-next', { pointId: w.point.id })).json().ticket;
    while (called && called.id !== ticketId) {
      await w.post(`/api/services/queue/tickets/${called.id}/skip`);
      called = (await w.post('/api/services/queue/call-next', { pointId: w.point.id })).json().ticket;
    }
    expect(called?.id).toBe(ticketId);
    expect((await w.post(`/api/services/queue/tickets/${ticketId}/start`)).statusCode).toBe(200);
  }
  const walkIn = async () => (await w.post('/api/services/queue/tickets', { pointId: w.point.id, itemId: w.itemA })).json().id as string;
  async function checkedIn(appointmentId: string) {
    const res = await w.post(`/api/services/appointments/${appointmentId}/check-in`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().ticket.id as string;
  }
  const linksOf = (recordId: string) => w.ctx.handle.db.selectFrom('service_records').select(['ticket_id', 'appointment_id']).where('id', '=', recordId).executeTakeFirstOrThrow();
  const recordsNaming = async (appointmentId: string) =>
    (await w.ctx.handle.db.selectFrom('service_records').select('id').where('appointment_id', '=', appointmentId).execute()).map((r) => r.id);

  it('a walk-in ticket finished with a booking\'s record leaves the record its booking', async () => {
    const booked = await booking();
    const rec = await record(booked);
    const ticket = await walkIn();
    await serve(ticket);
    const done = await w.post(`/api/services/queue/tickets/${ticket}/finish`, { recordId: rec });
    expect(done.statusCode, done.body).toBe(200);
    expect(await linksOf(rec)).toEqual({ ticket_id: ticket, appointment_id: booked });
    expect(await recordsNaming(booked)).toEqual([rec]);
  });

  it('a booked ticket is not finished with the record of another booking', async () => {
    const [first, second] = [await booking(), await booking()];
    const rec = await record(first);
    const ticket = await checkedIn(second);
    await serve(ticket);
    const refused = await w.post(`/api/services/queue/tickets/${ticket}/finish`, { recordId: rec });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details.fields[0]).toEqual({ field: 'recordId', reason: 'the record is of another booking' });
    expect(await linksOf(rec)).toEqual({ ticket_id: null, appointment_id: first });
  });

  it('a booked ticket whose booking has its record is not finished with another record', async () => {
    const booked = await booking();
    const ticket = await checkedIn(booked);
    const own = await record(booked);
    const other = await record(null);
    await serve(ticket);
    const refused = await w.post(`/api/services/queue/tickets/${ticket}/finish`, { recordId: other });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details.fields[0]).toEqual({ field: 'recordId', reason: 'the booking already has its record' });
    expect(await recordsNaming(booked)).toEqual([own]);
    // The booking's own record closes it.
    const done = await w.post(`/api/services/queue/tickets/${ticket}/finish`, { recordId: own });
    expect(done.statusCode, done.body).toBe(200);
    expect(await linksOf(own)).toEqual({ ticket_id: ticket, appointment_id: booked });
  });
});
