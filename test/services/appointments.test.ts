import { sql } from 'kysely';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOverrides } from '../../src/domain/calendar/working-days.js';
import { bookAppointment, cancelAppointment, checkIn } from '../../src/domain/service-queue/appointments.js';
import { markNoShows } from '../../src/domain/service-queue/no-shows.js';
import { type Session, listSlots, sessionsOn } from '../../src/domain/service-queue/slots.js';
import { newId } from '../../src/domain/shared/ids.js';
import { serviceNoShowsPoller } from '../../src/jobs/service-no-shows.js';
import { DIALECTS } from '../helpers/db.js';
import { type TestContext, signInAs } from '../helpers/app.js';
import { actorOf, itemByName, pointByCode, servicesContext } from './helpers.js';

const COMMITTEE: Session[] = [1, 2, 3, 4, 5].flatMap((weekday) => [
  { weekday, starts: '09:00', ends: '11:30', capacity: 12 },
  { weekday, starts: '13:30', ends: '16:30', capacity: 12 },
]);
const CENTRE: Session[] = [...[1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, starts: '09:00', ends: '12:00', capacity: 40 })), ...[1, 2, 3, 4, 5].map((weekday) => ({ weekday, starts: '13:00', ends: '17:00', capacity: 40 }))];
const starts = (xs: Session[]) => xs.map((s) => `${s.weekday} ${s.starts}`);

describe('the booking rule: which sessions a date offers', () => {
  const none = new Map();
  it('a working day offers its weekday\'s sessions; a public holiday none', () => {
    expect(starts(sessionsOn('2026-05-27', COMMITTEE, none))).toEqual(['3 09:00', '3 13:30']);
    expect(sessionsOn('2026-10-01', COMMITTEE, none)).toEqual([]); // 国庆 (a Thursday)
    expect(sessionsOn('2026-10-03', CENTRE, none)).toEqual([]); // a Saturday inside the holiday: not even the centre's Saturday morning
  });
  it('a weekend make-up working day (调休) works like a Monday unless the point has sessions of its own that day', () => {
    expect(starts(sessionsOn('2026-10-10', COMMITTEE, none))).toEqual(['1 09:00', '1 13:30']);
    expect(starts(sessionsOn('2026-10-10', CENTRE, none))).toEqual(['6 09:00']);
  });
  it('an ordinary weekend offers only the point\'s weekend sessions; the subdistrict\'s overrides win', () => {
    expect(sessionsOn('2026-05-30', COMMITTEE, none)).toEqual([]);
    expect(starts(sessionsOn('2026-05-30', CENTRE, none))).toEqual(['6 09:00']);
    expect(sessionsOn('2026-05-27', COMMITTEE, new Map([['2026-05-27', 'holiday' as const]]))).toEqual([]);
    expect(starts(sessionsOn('2026-05-31', COMMITTEE, new Map([['2026-05-31', 'workday' as const]])))).toEqual(['1 09:00', '1 13:30']);
  });
});

describe.each(DIALECTS)('appointments (%s)', (kind) => {
  let ctx: TestContext;
  let point: Awaited<ReturnType<typeof pointByCode>>;
  let itemId: string;
  let phoneNo = 0;
  const phone = () => `139${String(20_000_000 + phoneNo++).padStart(8, '0')}`;
  const book = (over: Record<string, unknown> = {}) =>
    ctx.handle.db.transaction().execute((trx) => bookAppointment(trx, ctx.clock, { pointId: point.id, itemId, day: '2026-05-27', starts: '13:30', name: '李娜', phone: phone(), ...over }));
  const setCapacity = (weekday: number, at: string, capacity: number) =>
    ctx.handle.db.updateTable('service_point_sessions').set({ capacity }).where('point_id', '=', point.id).where('weekday', '=', weekday).where('starts', '=', at).execute();
  const active = async (day: string, at: string) => {
    const [rows, counter] = await Promise.all([
      ctx.handle.db.selectFrom('service_appointments').select('id').where('point_id', '=', point.id).where('day', '=', day).where('starts', '=', at).where('status', '=', 'booked').execute(),
      ctx.handle.db.selectFrom('service_slot_bookings').select('booked').where('point_id', '=', point.id).where('day', '=', day).where('starts', '=', at).executeTakeFirst(),
    ]);
    return { rows: rows.length, counter: Number(counter?.booked ?? 0) };
  };

  beforeAll(async () => {
    ctx = await servicesContext(kind);
    point = await pointByCode(ctx, 'YW008-CW01');
    itemId = (await itemByName(ctx, '居住证签注')).id;
  }, 60_000);
  afterAll(async () => ctx?.close());

  it('lists the coming working days\' sessions with capacity; a holiday the subdistrict enters disappears', async () => {
    const s = await listSlots(ctx.handle.db, ctx.clock, { pointId: point.id, itemId, days: 7 });
    // Tue 26 May 10:30: the morning session has begun; Sat/Sun offer nothing at a committee window.
    expect(s.slots.map((x) => `${x.day} ${x.starts}`)).toEqual([
      '2026-05-26 13:30', '2026-05-27 09:00', '2026-05-27 13:30', '2026-05-28 09:00', '2026-05-28 13:30', '2026-05-29 09:00', '2026-05-29 13:30', '2026-06-01 09:00', '2026-06-01 13:30',
    ]);
    expect(s.slots[0]).toMatchObject({ capacity: 12, booked: 0, left: 12, startAt: '2026-05-26T05:30:00.000Z' });
    const at = ctx.clock.now().toISOString();
    await ctx.handle.db.insertInto('calendar_overrides').values({ id: newId(), subdistrict_id: point.subdistrict_id, date: '2026-05-29', kind: 'holiday', note: '测试', created_by: null, created_at: at, updated_at: at }).execute();
    const after = await listSlots(ctx.handle.db, ctx.clock, { pointId: point.id, itemId, days: 7 });
    expect(after.slots.some((x) => x.day === '2026-05-29')).toBe(false);
    await expect(book({ day: '2026-05-29', starts: '09:00' })).rejects.toMatchObject({ details: { fields: [{ field: 'starts' }] } });
    await ctx.handle.db.deleteFrom('calendar_overrides').where('date', '=', '2026-05-29').execute();
  });

  it('refuses what the rule does not offer: past days, beyond the horizon, begun sessions, odd times', async () => {
    await expect(book({ day: '2026-05-25' })).rejects.toMatchObject({ details: { fields: [{ field: 'day' }] } });
    await expect(book({ day: '2026-06-09', starts: '09:00' })).rejects.toMatchObject({ details: { fields: [{ field: 'day' }] } });
    await expect(book({ day: '2026-05-26', starts: '09:00' })).rejects.toMatchObject({ details: { fields: [{ field: 'starts', reason: 'the session has begun' }] } });
    await expect(book({ starts: '10:00' })).rejects.toMatchObject({ details: { fields: [{ field: 'starts' }] } });
    await expect(book({ phone: '12345' })).rejects.toMatchObject({ code: 'validation_failed', details: { fields: [{ field: 'phone' }] } });
    const terminal = await pointByCode(ctx, 'YW008-T1');
    await expect(book({ pointId: terminal.id })).rejects.toMatchObject({ details: { fields: [{ field: 'pointId' }] } });
  });

  it('30 concurrent bookings for a capacity of 5: exactly 5 succeed, the counter agrees', async () => {
    await setCapacity(4, '09:00', 5);
    const results = await Promise.allSettled(Array.from({ length: 30 }, () => book({ day: '2026-05-28', starts: '09:00' })));
    const ok = results.filter((r) => r.status === 'fulfilled');
    expect(ok).toHaveLength(5);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'conflict', details: { fields: [{ field: 'starts', reason: 'the session is fully booked' }] } });
    expect(await active('2026-05-28', '09:00')).toEqual({ rows: 5, counter: 5 });
    // A cancellation gives the place back: one more gets in, then it is full again.
    await cancelAppointment(ctx.handle.db, ctx.clock, (ok[0] as PromiseFulfilledResult<{ token: string }>).value.token);
    await book({ day: '2026-05-28', starts: '09:00' });
    await expect(book({ day: '2026-05-28', starts: '09:00' })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('one phone, one booking a day at a point, even when its bookings arrive at once', async () => {
    await setCapacity(4, '09:00', 20);
    await setCapacity(4, '13:30', 20);
    const same = '13600001111';
    const results = await Promise.allSettled([
      ...Array.from({ length: 4 }, () => book({ day: '2026-05-28', starts: '09:00', phone: same })),
      ...Array.from({ length: 4 }, () => book({ day: '2026-05-28', starts: '13:30', phone: same })),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'duplicate', details: { fields: [{ field: 'phone' }] } });
    const rows = await ctx.handle.db.selectFrom('service_appointments').select('id').where('point_id', '=', point.id).where('day', '=', '2026-05-28').where('phone', '=', same).where('status', '=', 'booked').execute();
    expect(rows).toHaveLength(1);
  });

  // PostgreSQL only: there a second booking's check runs while the first's transaction is still open
  // (SQLite runs one writer at a time, so the interleaving cannot happen). The first booking holds
  // its transaction open; the second must wait for it, then be told the phone is booked.
  it.runIf(kind === 'postgres')('one phone, one booking: a second booking waits for the first one\'s transaction, then is refused', async () => {
    const db = ctx.handle.db;
    const same = '13600002222';
    let booked!: () => void;
    let release!: () => void;
    const firstBooked = new Promise<void>((r) => (booked = r));
    const gate = new Promise<void>((r) => (release = r));
    const first = db.transaction().execute(async (trx) => {
      const out = await bookAppointment(trx, ctx.clock, { pointId: point.id, itemId, day: '2026-05-28', starts: '09:00', name: '李娜', phone: same });
      booked();
      await gate;
      return out;
    });
    await firstBooked;
    let settled = false;
    const second = book({ day: '2026-05-28', starts: '13:30', phone: same }).finally(() => (settled = true));
    second.catch(() => undefined);
    // Until the second has either finished (the race lost) or is waiting on the first's lock.
    const waiting = async () =>
      (await sql<{ n: number }>`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`.execute(db)).rows[0]!.n > 0;
    while (!settled && !(await waiting())) await new Promise((r) => setTimeout(r, 10));
    release();
    await first;
    await expect(second).rejects.toMatchObject({ code: 'duplicate', details: { fields: [{ field: 'phone' }] } });
  });

  it('never overbooks: concurrent bookings and cancellations, any capacity (property)', async () => {
    const day = '2026-06-02';
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 8 }), async (capacity, n1, cancels, n2) => {
        await ctx.handle.db.deleteFrom('service_appointments').where('point_id', '=', point.id).where('day', '=', day).execute();
        await ctx.handle.db.deleteFrom('service_slot_bookings').where('point_id', '=', point.id).where('day', '=', day).execute();
        await setCapacity(2, '13:30', capacity);
        const first = await Promise.allSettled(Array.from({ length: n1 }, () => book({ day })));
        const got = first.flatMap((r) => (r.status === 'fulfilled' ? [r.value.token] : []));
        expect(got).toHaveLength(capacity === 0 ? 0 : Math.min(capacity, n1));
        const gone = got.slice(0, cancels);
        await Promise.all(gone.map((t) => ctx.handle.db.transaction().execute((trx) => cancelAppointment(trx, ctx.clock, t))));
        const held = got.length - gone.length;
        const second = await Promise.allSettled(Array.from({ length: n2 }, () => book({ day })));
        const got2 = second.filter((r) => r.status === 'fulfilled').length;
        expect(got2).toBe(capacity === 0 ? 0 : Math.min(capacity - held, n2));
        expect(await active(day, '13:30')).toEqual({ rows: held + got2, counter: held + got2 });
      }),
      { numRuns: 12, seed: Number(process.env.FC_SEED ?? 2010) },
    );
    await setCapacity(2, '13:30', 12);
  });

  it('the public page: slots, booking, the link shows it masked, cancel before the session, field errors', async () => {
    const slots = await ctx.app.inject({ url: `/api/public/slots?pointId=${point.id}&itemId=${itemId}&days=3` });
    expect(slots.statusCode).toBe(200);
    const slot = slots.json().slots.find((s: { day: string; starts: string }) => s.day === '2026-05-27' && s.starts === '09:00');
    expect(slot).toMatchObject({ capacity: 12, left: 12 });
    const bad = await ctx.app.inject({ method: 'POST', url: '/api/public/appointments', payload: { pointId: point.id, itemId, day: '2026-05-27', starts: '09:00', name: '', phone: '5551234' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['name', 'phone']);
    const res = await ctx.app.inject({ method: 'POST', url: '/api/public/appointments', payload: { pointId: point.id, itemId, day: '2026-05-27', starts: '09:00', name: '王小明', phone: '139 1234 5678' } });
    expect(res.statusCode).toBe(201);
    const { appointment, token } = res.json();
    expect(appointment).toMatchObject({ status: 'booked', day: '2026-05-27', starts: '09:00', ends: '11:30', name: '王**', phone: '139****5678', cancellable: true, itemName: '居住证签注' });
    expect(appointment.code).toMatch(/^[A-Z2-9]{8}$/);
    expect(res.body).not.toContain('13912345678');
    const again = await ctx.app.inject({ method: 'POST', url: '/api/public/appointments', payload: { pointId: point.id, itemId, day: '2026-05-27', starts: '13:30', name: '王小明', phone: '13912345678' } });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ code: 'duplicate', details: { fields: [{ field: 'phone' }] } });
    const view = await ctx.app.inject({ url: `/api/public/appointments/${token}` });
    expect(view.json()).toMatchObject({ code: appointment.code, status: 'booked', phone: '139****5678' });
    expect((await ctx.app.inject({ url: `/api/public/appointments/${'x'.repeat(24)}` })).statusCode).toBe(404);
    const after = (await ctx.app.inject({ url: `/api/public/slots?pointId=${point.id}&itemId=${itemId}&days=3` })).json().slots.find((s: { day: string; starts: string }) => s.day === '2026-05-27' && s.starts === '09:00');
    expect(after).toMatchObject({ booked: 1, left: 11 });
    const cancelled = await ctx.app.inject({ method: 'POST', url: `/api/public/appointments/${token}/cancel` });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', cancellable: false });
    expect((await ctx.app.inject({ method: 'POST', url: `/api/public/appointments/${token}/cancel` })).statusCode).toBe(409);
  });

  it('window staff see their point\'s appointments and check them in (a ticket is issued); others cannot', async () => {
    const { appointment } = await book({ day: '2026-05-26', starts: '13:30', name: '陈静' });
    const cadre = await signInAs(ctx.app, 'cadre01');
    const list = await ctx.app.inject({ url: `/api/services/appointments?pointId=${point.id}`, headers: { cookie: cadre } });
    expect(list.statusCode).toBe(200);
    const mine = list.json().items.find((a: { code: string }) => a.code === appointment.code);
    expect(mine).toMatchObject({ name: '陈静', status: 'booked', starts: '13:30' });
    expect(mine.phone).toMatch(/^139\*{4}\d{4}$/);
    const byCode = await ctx.app.inject({ url: `/api/services/appointments?code=${appointment.code.toLowerCase()}`, headers: { cookie: cadre } });
    expect(byCode.json().items.map((a: { id: string }) => a.id)).toEqual([mine.id]);
    const cadre2 = await signInAs(ctx.app, 'cadre02');
    expect((await ctx.app.inject({ url: `/api/services/appointments?pointId=${point.id}`, headers: { cookie: cadre2 } })).json().items).toEqual([]);
    expect((await ctx.app.inject({ method: 'POST', url: `/api/services/appointments/${mine.id}/check-in`, headers: { cookie: cadre2 } })).statusCode).toBe(404);
    const patrol = await signInAs(ctx.app, 'patrol1');
    expect((await ctx.app.inject({ method: 'POST', url: `/api/services/appointments/${mine.id}/check-in`, headers: { cookie: patrol } })).statusCode).toBe(403);
    const done = await ctx.app.inject({ method: 'POST', url: `/api/services/appointments/${mine.id}/check-in`, headers: { cookie: cadre } });
    expect(done.statusCode).toBe(200);
    expect(done.json().appointment).toMatchObject({ status: 'checked_in' });
    expect(done.json().ticket).toMatchObject({ source: 'appointment', status: 'waiting', appointmentId: mine.id, slotStartAt: '2026-05-26T05:30:00.000Z' });
    expect(done.json().ticket.number).toMatch(/^[A-Z]\d{3}$/);
    const twice = await ctx.app.inject({ method: 'POST', url: `/api/services/appointments/${mine.id}/check-in`, headers: { cookie: cadre } });
    expect(twice.statusCode).toBe(409);
    // Tomorrow's booking cannot be checked in today.
    const tomorrow = await book({ day: '2026-05-27', starts: '13:30' });
    const row = await ctx.handle.db.selectFrom('service_appointments').select('id').where('code', '=', tomorrow.appointment.code).executeTakeFirstOrThrow();
    const cadreActor = await actorOf(ctx, 'cadre01');
    await expect(ctx.handle.db.transaction().execute((trx) => checkIn(trx, ctx.clock, cadreActor, row.id))).rejects.toMatchObject({ code: 'transition_not_allowed' });
  });

  it('no-show after the grace period, by the job under its lease; a no-show cannot check in', async () => {
    const db = ctx.handle.db;
    const late = await book({ day: '2026-05-26', starts: '13:30', name: '赵雷' });
    const id = (await db.selectFrom('service_appointments').select('id').where('code', '=', late.appointment.code).executeTakeFirstOrThrow()).id;
    ctx.clock.set('2026-05-26T05:44:00Z'); // 13:44, 14 minutes after the slot began
    expect(await markNoShows(db, ctx.clock)).toBe(0);
    ctx.clock.set('2026-05-26T05:45:00Z'); // the last instant of the default grace of 15 minutes: the window may still check in
    expect(await markNoShows(db, ctx.clock)).toBe(0);
    ctx.clock.set('2026-05-26T05:45:01Z'); // the grace has passed
    const job = serviceNoShowsPoller({ db, config: ctx.deps.config, clock: ctx.clock, logger: { error: () => {} } });
    expect(await job.runOnce()).toBeGreaterThanOrEqual(1);
    const lease = await db.selectFrom('job_leases').select(['name']).where('name', '=', 'service-no-shows').executeTakeFirst();
    expect(lease).toBeDefined();
    const row = await db.selectFrom('service_appointments').select(['status', 'no_show_at']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'no_show', no_show_at: '2026-05-26T05:45:01.000Z' });
    const cadreActor = await actorOf(ctx, 'cadre01');
    await expect(db.transaction().execute((trx) => checkIn(trx, ctx.clock, cadreActor, id))).rejects.toMatchObject({ code: 'transition_not_allowed' });
    // A subdistrict's own grace: 30 minutes.
    ctx.clock.set('2026-05-26T02:30:00Z');
    const later = await book({ day: '2026-05-26', starts: '13:30', name: '钱芳' });
    await db.insertInto('service_settings').values({ subdistrict_id: point.subdistrict_id, bad_rating_days: 5, rating_window_days: 7, no_show_grace_minutes: 30, updated_at: '2026-05-26T02:30:00Z' }).execute();
    ctx.clock.set('2026-05-26T05:50:00Z');
    expect(await markNoShows(db, ctx.clock)).toBe(0);
    ctx.clock.set('2026-05-26T06:00:01Z');
    expect(await markNoShows(db, ctx.clock)).toBe(1);
    expect((await db.selectFrom('service_appointments').select('status').where('code', '=', later.appointment.code).executeTakeFirstOrThrow()).status).toBe('no_show');
    await db.deleteFrom('service_settings').where('subdistrict_id', '=', point.subdistrict_id).execute();
    ctx.clock.set('2026-05-26T02:30:00Z');
  });
});
