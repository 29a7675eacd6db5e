import { sql } from 'kysely';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOverrides } from '../../src/domain/calendar/working-days.js';
import { bookAppointment, cancelAppointment, checkIn } from '../../src/domain/service-queue/appointments.js';
import { markNoShows } from '../../src/domain/service-queue/no-shows.js';
import { issueWalkIn } from '../../src/domain/service-queue/tickets.js';
import { type Session, listSlots, sessionsOn, slotInstant } from '../../src/domain/service-queue/slots.js';
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

  it('no-show only after the session\'s end plus the grace, by the job under its lease; a no-show cannot check in', async () => {
    const db = ctx.handle.db;
    const late = await book({ day: '2026-05-26', starts: '13:30', name: '赵雷' });
    const id = (await db.selectFrom('service_appointments').select('id').where('code', '=', late.appointment.code).executeTakeFirstOrThrow()).id;
    // The booking is for the whole session 13:30–16:30: an hour after it began the citizen is still expected.
    ctx.clock.set('2026-05-26T06:30:00Z'); // 14:30
    expect(await markNoShows(db, ctx.clock)).toBe(0);
    ctx.clock.set('2026-05-26T08:44:00Z'); // 16:44, 14 minutes after the session ended
    expect(await markNoShows(db, ctx.clock)).toBe(0);
    ctx.clock.set('2026-05-26T08:45:00Z'); // the last instant of the default grace of 15 minutes: the window may still check in
    expect(await markNoShows(db, ctx.clock)).toBe(0);
    ctx.clock.set('2026-05-26T08:45:01Z'); // the grace has passed
    const job = serviceNoShowsPoller({ db, config: ctx.deps.config, clock: ctx.clock, logger: { error: () => {} } });
    expect(await job.runOnce()).toBeGreaterThanOrEqual(1);
    const lease = await db.selectFrom('job_leases').select(['name']).where('name', '=', 'service-no-shows').executeTakeFirst();
    expect(lease).toBeDefined();
    const row = await db.selectFrom('service_appointments').select(['status', 'no_show_at']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'no_show', no_show_at: '2026-05-26T08:45:01.000Z' });
    const cadreActor = await actorOf(ctx, 'cadre01');
    await expect(db.transaction().execute((trx) => checkIn(trx, ctx.clock, cadreActor, id))).rejects.toMatchObject({ code: 'transition_not_allowed' });
    // A subdistrict's own grace: 30 minutes.
    ctx.clock.set('2026-05-26T02:30:00Z');
    const later = await book({ day: '2026-05-26', starts: '13:30', name: '钱芳' });
    await db.insertInto('service_settings').values({ subdistrict_id: point.subdistrict_id, bad_rating_days: 5, rating_window_days: 7, no_show_grace_minutes: 30, updated_at: '2026-05-26T02:30:00Z' }).execute();
    ctx.clock.set('2026-05-26T08:50:00Z');
    expect(await markNoShows(db, ctx.clock)).toBe(0);
    ctx.clock.set('2026-05-26T09:00:01Z');
    expect(await markNoShows(db, ctx.clock)).toBe(1);
    expect((await db.selectFrom('service_appointments').select('status').where('code', '=', later.appointment.code).executeTakeFirstOrThrow()).status).toBe('no_show');
    await db.deleteFrom('service_settings').where('subdistrict_id', '=', point.subdistrict_id).execute();
    ctx.clock.set('2026-05-26T02:30:00Z');
  });

  it('the office cancels the bookings a holiday, a closed point, a removed session or a withdrawn item leaves unserved: the link says why, the place is freed, never a no-show', async () => {
    const db = ctx.handle.db;
    const admin = await signInAs(ctx.app, 'admin');
    const bookApi = (pointId: string, day: string, at: string, tel: string) =>
      ctx.app.inject({ method: 'POST', url: '/api/public/appointments', payload: { pointId, itemId, day, starts: at, name: '孙丽', phone: tel } });
    const link = async (token: string) => (await ctx.app.inject({ url: `/api/public/appointments/${token}` })).json();
    // A holiday the subdistrict enters on a booked day.
    const onHoliday = await bookApi(point.id, '2026-05-29', '09:00', phone());
    expect(onHoliday.statusCode).toBe(201);
    const otherDay = await bookApi(point.id, '2026-05-28', '09:00', phone());
    expect(await active('2026-05-29', '09:00')).toEqual({ rows: 1, counter: 1 });
    const put = await ctx.app.inject({ method: 'PUT', url: '/api/calendar/overrides', headers: { cookie: admin }, payload: { date: '2026-05-29', kind: 'holiday', note: '台风停办', subdistrictId: point.subdistrict_id } });
    expect(put.statusCode).toBe(200);
    expect(await link(onHoliday.json().token)).toMatchObject({ status: 'cancelled', cancellable: false, cancelledBy: 'office', cancelReason: 'holiday' });
    expect(await link(otherDay.json().token)).toMatchObject({ status: 'booked', cancelledBy: null, cancelReason: null });
    expect(await active('2026-05-29', '09:00')).toEqual({ rows: 0, counter: 0 });
    ctx.clock.set('2026-05-29T03:00:00Z');
    await markNoShows(db, ctx.clock);
    expect((await link(onHoliday.json().token)).status).toBe('cancelled');
    ctx.clock.set('2026-05-26T02:30:00Z');
    await db.deleteFrom('calendar_overrides').where('date', '=', '2026-05-29').execute();
    // A session removed from the point's week: Thursday's afternoon. Its counter also holds the
    // places of earlier tests' bookings that became no-shows above (a no-show keeps its place),
    // so the place freed is measured against what the slot held before.
    const before = await active('2026-05-28', '13:30');
    const thursday = await bookApi(point.id, '2026-05-28', '13:30', phone());
    const morning = await bookApi(point.id, '2026-05-28', '09:00', phone());
    const offer = (await ctx.app.inject({ url: `/api/services/points/${point.id}`, headers: { cookie: admin } })).json();
    const week = offer.sessions.map((x: Record<string, unknown>) => ({ weekday: x.weekday, starts: x.starts, ends: x.ends, capacity: x.capacity }));
    const cut = await ctx.app.inject({ method: 'PUT', url: `/api/services/points/${point.id}/offer`, headers: { cookie: admin }, payload: {
      version: offer.version, sessions: week.filter((x: { weekday: number; starts: string }) => !(x.weekday === 4 && x.starts === '13:30')) } });
    expect(cut.statusCode).toBe(200);
    expect(await link(thursday.json().token)).toMatchObject({ status: 'cancelled', cancelledBy: 'office', cancelReason: 'session_removed' });
    expect(await link(morning.json().token)).toMatchObject({ status: 'booked' });
    expect(await active('2026-05-28', '13:30')).toEqual(before);
    const back = await ctx.app.inject({ method: 'PUT', url: `/api/services/points/${point.id}/offer`, headers: { cookie: admin }, payload: { version: cut.json().version, sessions: week } });
    expect(back.statusCode).toBe(200);
    // An item withdrawn from the point's offer: its bookings are cancelled (check-in would refuse them), the others stay.
    const ofItem = await bookApi(point.id, '2026-05-28', '13:30', phone());
    expect(ofItem.statusCode).toBe(201);
    const others = offer.itemIds.filter((x: string) => x !== itemId);
    const withdraw = await ctx.app.inject({ method: 'PUT', url: `/api/services/points/${point.id}/offer`, headers: { cookie: admin }, payload: { version: back.json().version, itemIds: others } });
    expect(withdraw.statusCode).toBe(200);
    expect(await link(ofItem.json().token)).toMatchObject({ status: 'cancelled', cancelledBy: 'office', cancelReason: 'item_withdrawn' });
    expect(await link(morning.json().token)).toMatchObject({ status: 'cancelled', cancelReason: 'item_withdrawn' });
    expect(await active('2026-05-28', '13:30')).toEqual(before);
    const restored = await ctx.app.inject({ method: 'PUT', url: `/api/services/points/${point.id}/offer`, headers: { cookie: admin }, payload: { version: withdraw.json().version, itemIds: offer.itemIds } });
    expect(restored.statusCode).toBe(200);
    // A citizen's own cancellation says so.
    const own = await bookApi(point.id, '2026-05-28', '13:30', phone());
    expect((await ctx.app.inject({ method: 'POST', url: `/api/public/appointments/${own.json().token}/cancel` })).json()).toMatchObject({ status: 'cancelled', cancelledBy: 'citizen', cancelReason: null });
    // A point that no longer takes tickets refuses check-in as it refuses walk-ins; closing it cancels its bookings.
    const other = await pointByCode(ctx, 'YW008-CW02');
    const today = await bookApi(other.id, '2026-05-26', '13:30', phone());
    const later = await bookApi(other.id, '2026-06-01', '09:00', phone());
    const desk = await actorOf(ctx, 'operator');
    const todayId = (await db.selectFrom('service_appointments').select('id').where('code', '=', today.json().appointment.code).executeTakeFirstOrThrow()).id;
    await db.updateTable('service_points').set({ status: 'closed', closed_on: '2026-05-26' }).where('id', '=', other.id).execute();
    ctx.clock.set('2026-05-26T05:25:00Z');
    await expect(db.transaction().execute((trx) => checkIn(trx, ctx.clock, desk, todayId))).rejects.toMatchObject({ code: 'validation_failed', details: { fields: [{ field: 'pointId' }] } });
    expect(await db.selectFrom('service_tickets').select('id').where('point_id', '=', other.id).execute()).toEqual([]);
    await db.updateTable('service_points').set({ status: 'built', closed_on: null }).where('id', '=', other.id).execute();
    const p2 = (await ctx.app.inject({ url: `/api/services/points/${other.id}`, headers: { cookie: admin } })).json();
    const close = await ctx.app.inject({ method: 'POST', url: `/api/services/points/${other.id}/status`, headers: { cookie: admin }, payload: { version: p2.version, status: 'closed', on: '2026-05-26' } });
    expect(close.statusCode).toBe(200);
    for (const b of [today, later]) expect(await link(b.json().token)).toMatchObject({ status: 'cancelled', cancelledBy: 'office', cancelReason: 'point_closed' });
    const left = await db.selectFrom('service_slot_bookings').select('booked').where('point_id', '=', other.id).execute();
    expect(left.every((r) => Number(r.booked) === 0)).toBe(true);
    ctx.clock.set('2026-05-26T02:30:00Z');
  });

  it('taking back a make-up workday cancels its bookings; a holiday over many bookings cancels them in a bounded number of statements', async () => {
    const db = ctx.handle.db;
    const admin = await signInAs(ctx.app, 'admin');
    const sat = '2026-05-30';
    const put = await ctx.app.inject({ method: 'PUT', url: '/api/calendar/overrides', headers: { cookie: admin }, payload: { date: sat, kind: 'workday', note: '调休', subdistrictId: point.subdistrict_id } });
    expect(put.statusCode).toBe(200);
    const offered = sessionsOn(sat, (await ctx.app.inject({ url: `/api/services/points/${point.id}`, headers: { cookie: admin } })).json().sessions, await loadOverrides(db, sat, sat, point.subdistrict_id));
    expect(offered.length).toBeGreaterThan(0);
    const b = await ctx.app.inject({ method: 'POST', url: '/api/public/appointments', payload: { pointId: point.id, itemId, day: sat, starts: offered[0]!.starts, name: '孙丽', phone: phone() } });
    expect(b.statusCode).toBe(201);
    const del = await ctx.app.inject({ method: 'DELETE', url: `/api/calendar/overrides/${put.json().id}`, headers: { cookie: admin } });
    expect(del.statusCode).toBe(200);
    expect((await ctx.app.inject({ url: `/api/public/appointments/${b.json().token}` })).json()).toMatchObject({ status: 'cancelled', cancelledBy: 'office', cancelReason: 'holiday' });
    expect(await active(sat, offered[0]!.starts)).toEqual({ rows: 0, counter: 0 });

    // A district-wide holiday on a day with many bookings: statements do not grow with the bookings.
    const day = '2026-06-02';
    const week = await db.selectFrom('service_points as p').innerJoin('service_point_sessions as s', 's.point_id', 'p.id')
      .select(['p.id', 'p.subdistrict_id', 'p.committee_id', 's.starts', 's.ends']).where('p.status', '=', 'built').where('s.weekday', '=', 2).execute();
    const N = 400;
    const rows = Array.from({ length: N }, (_, i) => {
      const p = week[i % week.length]!;
      return { id: newId(), code: `ZQ${String(i).padStart(6, '0')}`, token_hash: newId(), subdistrict_id: p.subdistrict_id, committee_id: p.committee_id, point_id: p.id, item_id: itemId,
        day, starts: p.starts, ends: p.ends, slot_start_at: '2026-06-02T01:00:00.000Z', name: '测试', phone: phone(), status: 'booked' as const,
        booked_at: '2026-05-26T00:00:00.000Z', cancelled_at: null, checked_in_at: null, checked_in_by: null, no_show_at: null, ticket_id: null };
    });
    for (let i = 0; i < rows.length; i += 100) await db.insertInto('service_appointments').values(rows.slice(i, i + 100)).execute();
    let statements = 0;
    const counting = db.withPlugin({ transformQuery: (a) => { statements++; return a.node; }, transformResult: async (a) => a.result });
    const { putOverride } = await import('../../src/domain/calendar/overrides.js');
    await putOverride(counting, ctx.clock, await actorOf(ctx, 'district-admin'), { date: day, kind: 'holiday', note: '全区停办', subdistrictId: null });
    expect(await db.selectFrom('service_appointments').select('id').where('day', '=', day).where('status', '=', 'booked').execute()).toEqual([]);
    const slots = new Set(rows.map((r) => `${r.point_id}|${r.starts}`)).size;
    expect(statements).toBeLessThan(slots + 40);
    await db.deleteFrom('calendar_overrides').where('date', '=', day).execute();
  });

  it.runIf(kind === 'postgres')('a booking made while a holiday is being entered waits for it, then sees the holiday (PostgreSQL)', async () => {
    const db = ctx.handle.db;
    const admin = await actorOf(ctx, 'admin');
    const day = '2026-05-29';
    const { putOverride } = await import('../../src/domain/calendar/overrides.js');
    const sessions = sessionsOn(day, (await ctx.app.inject({ url: `/api/services/points/${point.id}`, headers: { cookie: await signInAs(ctx.app, 'admin') } })).json().sessions, await loadOverrides(db, day, day, point.subdistrict_id));
    expect(sessions.length).toBeGreaterThan(1);
    const bookIt = (starts: string) => ctx.app.inject({ method: 'POST', url: '/api/public/appointments', payload: { pointId: point.id, itemId, day, starts, name: '孙丽', phone: phone() } });
    // Bookable before the holiday (another session: the racing booking below shares no slot row with it).
    const before = await bookIt(sessions.at(-1)!.starts);
    expect(before.statusCode).toBe(201);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const holiday = db.transaction().execute(async (trx) => {
      await putOverride(trx, ctx.clock, admin, { date: day, kind: 'holiday', note: '台风', subdistrictId: point.subdistrict_id });
      entered();
      await gate;
    });
    await inside;
    let settled = false;
    const booking = bookIt(sessions[0]!.starts).finally(() => (settled = true));
    // The booking queues behind the holiday's transaction: it waits for a lock the holiday holds
    // (without the turn-taking it would be answered 201 meanwhile, on the old calendar).
    const waiting = async () => Number((await sql<{ n: number }>`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`.execute(db)).rows[0]!.n);
    for (let i = 0; i < 200 && !settled && (await waiting()) === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(settled).toBe(false);
    release();
    await holiday;
    // …and then finds no session that day.
    const b = await booking;
    expect(b.statusCode).toBe(400);
    expect(b.json().error.details.fields[0]).toMatchObject({ field: 'starts', reason: 'no session at this time on this day' });
    // The booking made before it was cancelled by the office.
    expect((await ctx.app.inject({ url: `/api/public/appointments/${before.json().token}` })).json()).toMatchObject({ status: 'cancelled', cancelReason: 'holiday' });
    await db.deleteFrom('calendar_overrides').where('date', '=', day).execute();
  });

  it('a point\'s week refuses two sessions of one weekday at one start or overlapping (400 naming sessions.N); back-to-back sessions are fine', async () => {
    const admin = await signInAs(ctx.app, 'admin');
    const before = (await ctx.app.inject({ url: `/api/services/points/${point.id}`, headers: { cookie: admin } })).json();
    const put = (sessions: unknown[]) => ctx.app.inject({ method: 'PUT', url: `/api/services/points/${point.id}/offer`, headers: { cookie: admin }, payload: { version: before.version, sessions } });
    for (const second of [{ weekday: 3, starts: '09:00', ends: '10:00', capacity: 5 }, { weekday: 3, starts: '10:00', ends: '12:00', capacity: 5 }, { weekday: 3, starts: '08:00', ends: '09:30', capacity: 5 }]) {
      const res = await put([{ weekday: 3, starts: '09:00', ends: '11:30', capacity: 2 }, { weekday: 1, starts: '09:00', ends: '11:30', capacity: 2 }, second]);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details.fields).toHaveLength(1);
      expect(res.json().error.details.fields[0]).toMatchObject({ field: 'sessions.2', reason: 'overlaps another session of the same weekday' });
    }
    const created = await ctx.app.inject({ method: 'POST', url: '/api/services/points', headers: { cookie: admin }, payload: {
      subdistrictId: point.subdistrict_id, kind: 'building_window', code: 'YW008-BWX', name: '测试楼宇窗口', building: '测试楼宇', address: '测试路1号', lng: 121.41, lat: 31.2, staffed: true,
      sessions: [{ weekday: 2, starts: '09:00', ends: '11:00', capacity: 2 }, { weekday: 2, starts: '09:00', ends: '11:00', capacity: 2 }] } });
    expect(created.statusCode).toBe(400);
    expect(created.json().error.details.fields[0]).toMatchObject({ field: 'sessions.1' });
    // Back to back: one ends as the next starts.
    const ok = await put([{ weekday: 3, starts: '09:00', ends: '10:00', capacity: 2 }, { weekday: 3, starts: '10:00', ends: '11:30', capacity: 2 }]);
    expect(ok.statusCode).toBe(200);
    const restore = await ctx.app.inject({ method: 'PUT', url: `/api/services/points/${point.id}/offer`, headers: { cookie: admin }, payload: {
      version: ok.json().version, sessions: before.sessions.map((x: Record<string, unknown>) => ({ weekday: x.weekday, starts: x.starts, ends: x.ends, capacity: x.capacity })) } });
    expect(restore.statusCode).toBe(200);
  });

  it('no-shows: each subdistrict\'s grace applies before the batch, so a long grace elsewhere never holds back due no-shows', async () => {
    const db = ctx.handle.db;
    const centres = await db.selectFrom('service_points').select(['id', 'subdistrict_id', 'committee_id']).where('kind', '=', 'centre').orderBy('code').execute();
    const a = centres.find((c) => c.subdistrict_id !== point.subdistrict_id)!;
    expect(a).toBeDefined();
    const at = ctx.clock.now();
    await db.insertInto('service_settings').values({ subdistrict_id: a.subdistrict_id, bad_rating_days: 5, rating_window_days: 7, no_show_grace_minutes: 240, updated_at: at.toISOString() }).execute();
    // The clock is at 10:30: sessions that ended at 10:00.
    const row = (p: { id: string; subdistrict_id: string; committee_id: string | null }, startsAt: string, i: number) => ({
      id: newId(), code: `NS${String(i).padStart(6, '0')}`, token_hash: newId(), subdistrict_id: p.subdistrict_id, committee_id: p.committee_id, point_id: p.id, item_id: itemId,
      day: '2026-05-26', starts: startsAt, ends: '10:00', slot_start_at: slotInstant('2026-05-26', startsAt).toISOString(), name: '测试', phone: '13800000000',
      status: 'booked' as const, booked_at: '2026-05-20T00:00:00.000Z', cancelled_at: null, checked_in_at: null, checked_in_by: null, no_show_at: null, ticket_id: null,
    });
    // More long-grace bookings than one round marks, each older than the due one but inside its grace.
    expect(at.toISOString()).toBe('2026-05-26T02:30:00.000Z');
    const held = Array.from({ length: 2001 }, (_, i) => row(a, '08:00', i));
    for (let i = 0; i < held.length; i += 200) await db.insertInto('service_appointments').values(held.slice(i, i + 200)).execute();
    const due = row(point, '09:00', 999_999);
    await db.insertInto('service_appointments').values(due).execute();
    expect(await markNoShows(db, ctx.clock)).toBe(1);
    expect((await db.selectFrom('service_appointments').select('status').where('id', '=', due.id).executeTakeFirstOrThrow()).status).toBe('no_show');
    const still = await db.selectFrom('service_appointments').select((eb) => eb.fn.countAll<number>().as('n')).where('code', 'like', 'NS%').where('status', '=', 'booked').executeTakeFirstOrThrow();
    expect(Number(still.n)).toBe(2001);
    await db.deleteFrom('service_appointments').where('code', 'like', 'NS%').execute();
    await db.deleteFrom('service_settings').where('subdistrict_id', '=', a.subdistrict_id).execute();
  });

  it('window clerks of a whole subdistrict list the bookings and tickets of their own points; the desk and the managers the network', async () => {
    const centre = await pointByCode(ctx, 'YW008-CTR');
    const building = await pointByCode(ctx, 'YW008-BW1');
    const day = '2026-06-02';
    const atCentre = await ctx.app.inject({ method: 'POST', url: '/api/public/appointments', payload: { pointId: centre.id, itemId, day, starts: '09:00', name: '周敏', phone: phone() } });
    const atBuilding = await ctx.app.inject({ method: 'POST', url: '/api/public/appointments', payload: { pointId: building.id, itemId, day, starts: '11:30', name: '吴刚', phone: phone() } });
    const atCommittee = await ctx.app.inject({ method: 'POST', url: '/api/public/appointments', payload: { pointId: point.id, itemId, day, starts: '09:00', name: '郑洁', phone: phone() } });
    for (const r of [atCentre, atBuilding, atCommittee]) expect(r.statusCode).toBe(201);
    const codes = { centre: atCentre.json().appointment.code, building: atBuilding.json().appointment.code, committee: atCommittee.json().appointment.code };
    const window2 = await actorOf(ctx, 'window2');
    await ctx.handle.db.transaction().execute((trx) => issueWalkIn(trx, ctx.clock, window2, { pointId: building.id, itemId }));
    const operatorActor = await actorOf(ctx, 'operator');
    await ctx.handle.db.transaction().execute((trx) => issueWalkIn(trx, ctx.clock, operatorActor, { pointId: centre.id, itemId }));
    const seen = async (username: string) => {
      const cookie = await signInAs(ctx.app, username);
      const list = (await ctx.app.inject({ url: `/api/services/appointments?day=${day}`, headers: { cookie } })).json().items as { code: string }[];
      const tickets = (await ctx.app.inject({ url: '/api/services/queue/tickets', headers: { cookie } })).json() as { waiting: { pointId: string }[]; others: { pointId: string }[] };
      const mine = Object.entries(codes).filter(([, c]) => list.some((a) => a.code === c)).map(([k]) => k);
      const ticketPoints = [...new Set([...tickets.waiting, ...tickets.others].map((t) => t.pointId))].map((id) => (id === centre.id ? 'centre' : id === building.id ? 'building' : id === point.id ? 'committee' : id)).sort();
      return { bookings: mine, tickets: ticketPoints };
    };
    expect(await seen('window1')).toEqual({ bookings: ['centre'], tickets: ['centre'] });
    expect(await seen('window2')).toEqual({ bookings: ['building'], tickets: ['building'] });
    expect(await seen('window3')).toEqual({ bookings: [], tickets: [] });
    expect((await seen('cadre01')).bookings).toEqual(['committee']);
    expect((await seen('operator')).bookings).toEqual(['centre', 'building', 'committee']);
    const leader = await seen('leader');
    expect(leader.bookings).toEqual(['centre', 'building', 'committee']);
    expect(leader.tickets).toEqual(expect.arrayContaining(['building', 'centre']));
  });
});
