import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookAppointment, cancelAppointment, checkIn } from '../../src/domain/service-queue/appointments.js';
import { markNoShows } from '../../src/domain/service-queue/no-shows.js';
import { withCheckDigit } from '../../src/domain/service-records/masking.js';
import { createRecord } from '../../src/domain/service-records/records.js';
import type { Clock } from '../../src/domain/shared/clock.js';
import { DIALECTS } from '../helpers/db.js';
import type { TestContext } from '../helpers/app.js';
import { actorOf, itemByName, pointByCode, servicesContext } from './helpers.js';

/**
 * A record naming a booking nobody checked in serves it: the booking leaves `booked` with the
 * record, so it is not checked in again (a second ticket), not cancelled by the link, and not marked
 * a no-show; a record and a no-show mark racing for it give one outcome, never both.
 */
describe.each(DIALECTS)('a record checks its booking in (%s)', (kind) => {
  let ctx: TestContext;
  let point: Awaited<ReturnType<typeof pointByCode>>;
  let itemId: string;
  beforeAll(async () => {
    ctx = await servicesContext(kind);
    point = await pointByCode(ctx, 'YW008-CW01');
    itemId = (await itemByName(ctx, '居住证签注')).id;
    // Room in the session for every booking here (Tuesday 13:30).
    await ctx.handle.db.updateTable('service_point_sessions').set({ capacity: 40 }).where('point_id', '=', point.id).where('weekday', '=', 2).where('starts', '=', '13:30').execute();
  }, 60_000);
  afterAll(async () => ctx?.close());

  let n = 0;
  /** Today's 13:30 session (05:30Z; the clock is at 10:30 Shanghai): cancellable by the link until it starts. */
  async function book(day = '2026-05-26') {
    const out = await ctx.handle.db.transaction().execute((trx) =>
      bookAppointment(trx, ctx.clock, { pointId: point.id, itemId, day, starts: '13:30', name: '赵敏', phone: `1390000${String(1000 + n++)}` }),
    );
    const row = await ctx.handle.db.selectFrom('service_appointments').select('id').where('code', '=', out.appointment.code).executeTakeFirstOrThrow();
    return { id: row.id, token: out.token };
  }
  const record = async (appointmentId: string, clock: Clock = ctx.clock) => {
    const cadre = await actorOf(ctx, 'cadre01');
    return ctx.handle.db.transaction().execute((trx) =>
      createRecord(trx, clock, cadre, { pointId: point.id, itemId, applicant: { name: '赵敏', idNumber: withCheckDigit('31010519850312002') }, materials: [], appointmentId }),
    );
  };
  const bookingRow = (id: string) => ctx.handle.db.selectFrom('service_appointments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const slotCounter = async () =>
    Number((await ctx.handle.db.selectFrom('service_slot_bookings').select('booked').where('point_id', '=', point.id).where('day', '=', '2026-05-26').where('starts', '=', '13:30').executeTakeFirst())?.booked ?? 0);
  const ticketsOf = async (appointmentId: string) =>
    (await ctx.handle.db.selectFrom('service_tickets').select('id').where('appointment_id', '=', appointmentId).execute()).length;
  const recordsOf = async (appointmentId: string) =>
    (await ctx.handle.db.selectFrom('service_records').select('id').where('appointment_id', '=', appointmentId).execute()).length;

  it('the booking a record names is checked in by it: not cancelled by the link, not checked in again, its place kept', async () => {
    ctx.clock.set('2026-05-26T02:30:00Z');
    const { id, token } = await book();
    const placesBefore = await slotCounter();
    await record(id);
    expect(await bookingRow(id)).toMatchObject({ status: 'checked_in', checked_in_at: '2026-05-26T02:30:00.000Z', ticket_id: null });
    await expect(ctx.handle.db.transaction().execute((trx) => cancelAppointment(trx, ctx.clock, token))).rejects.toMatchObject({ code: 'transition_not_allowed' });
    const cadre = await actorOf(ctx, 'cadre01');
    await expect(ctx.handle.db.transaction().execute((trx) => checkIn(trx, ctx.clock, cadre, id))).rejects.toMatchObject({ code: 'transition_not_allowed' });
    // No ticket waits in the queue for a citizen already served, and the place stays taken.
    expect(await ticketsOf(id)).toBe(0);
    expect(await slotCounter()).toBe(placesBefore);
    // Past the session's end and the grace the no-show round leaves it alone.
    ctx.clock.set('2026-05-26T09:00:00Z');
    await markNoShows(ctx.handle.db, ctx.clock);
    expect((await bookingRow(id)).status).toBe('checked_in');
    ctx.clock.set('2026-05-26T02:30:00Z');
  });

  it('a booking checked in at the window keeps its check-in and ticket when its record is made', async () => {
    const { id } = await book();
    const cadre = await actorOf(ctx, 'cadre01');
    const { ticket } = await ctx.handle.db.transaction().execute((trx) => checkIn(trx, ctx.clock, cadre, id));
    ctx.clock.advance(10 * 60_000);
    await record(id);
    expect(await bookingRow(id)).toMatchObject({ status: 'checked_in', checked_in_at: '2026-05-26T02:30:00.000Z', ticket_id: ticket.id });
    ctx.clock.set('2026-05-26T02:30:00Z');
  });

  it('as at check-in, another day\'s booking or one past its grace is served as a walk-in', async () => {
    const tomorrow = (await book('2026-05-27')).id;
    await expect(record(tomorrow)).rejects.toMatchObject({ code: 'validation_failed', details: { fields: [{ field: 'appointmentId', reason: 'the booking is for another day' }] } });
    expect((await bookingRow(tomorrow)).status).toBe('booked');
    const { id } = await book();
    ctx.clock.set('2026-05-26T08:45:01Z'); // the default grace of 15 minutes after the session's end, 16:30, has passed
    await expect(record(id)).rejects.toMatchObject({ code: 'validation_failed', details: { fields: [{ field: 'appointmentId', reason: 'the grace period after the booked slot has passed' }] } });
    expect((await bookingRow(id)).status).toBe('booked');
    expect(await recordsOf(id)).toBe(0);
    ctx.clock.set('2026-05-26T02:30:00Z');
  });

  it('a record and a no-show mark racing for a booking: one outcome, never both', async () => {
    // The record is made within the grace after the session's end (16:30), the round runs past it (each with its own clock).
    const withinGrace: Clock = { now: () => new Date('2026-05-26T08:44:00Z') };
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await book()).id);
    ctx.clock.set('2026-05-26T08:46:00Z');
    await Promise.allSettled([markNoShows(ctx.handle.db, ctx.clock), ...ids.map((id) => record(id, withinGrace))]);
    for (const id of ids) {
      const [status, records] = [(await bookingRow(id)).status, await recordsOf(id)];
      expect(records === 1 ? status === 'checked_in' : status === 'no_show', `${status} with ${records} record(s)`).toBe(true);
    }
    ctx.clock.set('2026-05-26T02:30:00Z');
  });

  // PostgreSQL only: there the round runs while the record's transaction is still open (SQLite runs
  // one writer at a time). The record has taken the booking; the round must wait for it, then pass it over.
  it.runIf(kind === 'postgres')('a no-show round waits for a record\'s open transaction, then leaves its booking served', async () => {
    const db = ctx.handle.db;
    const { id } = await book();
    const cadre = await actorOf(ctx, 'cadre01');
    const withinGrace: Clock = { now: () => new Date('2026-05-26T08:44:00Z') };
    let recorded!: () => void;
    let release!: () => void;
    const madeRecord = new Promise<void>((r) => (recorded = r));
    const gate = new Promise<void>((r) => (release = r));
    const first = db.transaction().execute(async (trx) => {
      const out = await createRecord(trx, withinGrace, cadre, { pointId: point.id, itemId, applicant: { name: '赵敏', idNumber: withCheckDigit('31010519850312002') }, materials: [], appointmentId: id });
      recorded();
      await gate;
      return out;
    });
    await madeRecord;
    ctx.clock.set('2026-05-26T08:46:00Z');
    let settled = false;
    const round = markNoShows(db, ctx.clock).finally(() => (settled = true));
    round.catch(() => undefined);
    // Until the round has finished (no wait) or waits on the record's row lock.
    const waiting = async () =>
      (await sql<{ n: number }>`select count(*)::int as n from pg_locks where locktype = 'transactionid' and not granted`.execute(db)).rows[0]!.n > 0;
    while (!settled && !(await waiting())) await new Promise((r) => setTimeout(r, 10));
    release();
    await first;
    await round;
    expect((await bookingRow(id)).status).toBe('checked_in');
    expect(await recordsOf(id)).toBe(1);
    ctx.clock.set('2026-05-26T02:30:00Z');
  });
});
