import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookAppointment, checkIn } from '../../src/domain/service-queue/appointments.js';
import { checkInClosesAt, checkInOpen } from '../../src/domain/service-queue/check-in-window.js';
import { markNoShows } from '../../src/domain/service-queue/no-shows.js';
import { slotInstant } from '../../src/domain/service-queue/slots.js';
import { withCheckDigit } from '../../src/domain/service-records/masking.js';
import { createRecord } from '../../src/domain/service-records/records.js';
import type { Clock } from '../../src/domain/shared/clock.js';
import { newId } from '../../src/domain/shared/ids.js';
import { DIALECTS } from '../helpers/db.js';
import type { TestContext } from '../helpers/app.js';
import { actorOf, itemByName, pointByCode, servicesContext } from './helpers.js';

const MIN = 60_000;
const DAY = '2026-05-26'; // a Tuesday: the committee window's sessions 09:00–11:30 and 13:30–16:30
/** The last instant a booking may come, written apart from the code under test: the session's end plus the grace. */
const closes = (ends: string, graceMinutes: number) => slotInstant(DAY, ends).getTime() + graceMinutes * MIN;

describe('the check-in window of a booking', () => {
  it('is the whole session and the grace after its end, within the booking\'s day', () => {
    const b = { day: DAY, ends: '11:30' };
    expect(new Date(checkInClosesAt(b, 15)).toISOString()).toBe('2026-05-26T03:45:00.000Z');
    expect(checkInOpen(Date.parse('2026-05-26T02:00:00Z'), b, 15)).toBe(true); // 10:00, inside 09:00–11:30
    expect(checkInOpen(Date.parse('2026-05-26T03:45:00Z'), b, 15)).toBe(true);
    expect(checkInOpen(Date.parse('2026-05-26T03:45:00.001Z'), b, 15)).toBe(false);
    expect(checkInOpen(Date.parse('2026-05-26T03:30:00Z'), b, 0)).toBe(true);
    expect(checkInOpen(Date.parse('2026-05-26T03:30:00.001Z'), b, 0)).toBe(false);
    expect(checkInClosesAt(b, null)).toBe(checkInClosesAt(b, 15)); // no settings row: the default grace
    // A late session with a long grace closes with its day.
    expect(new Date(checkInClosesAt({ day: DAY, ends: '23:00' }, 240)).toISOString()).toBe('2026-05-26T15:59:59.999Z');
  });
});

describe.each(DIALECTS)('check-in, a record and the no-show round apply one window: the session\'s end plus the grace (%s)', (kind) => {
  let ctx: TestContext;
  let point: Awaited<ReturnType<typeof pointByCode>>;
  let itemId: string;
  let n = 0;
  const phone = () => `1370000${String(1000 + n++).padStart(4, '0')}`;
  const setGrace = async (minutes: number) => {
    const db = ctx.handle.db;
    await db.deleteFrom('service_settings').where('subdistrict_id', '=', point.subdistrict_id).execute();
    await db.insertInto('service_settings').values({ subdistrict_id: point.subdistrict_id, bad_rating_days: 5, rating_window_days: 7, no_show_grace_minutes: minutes, updated_at: '2026-05-26T00:00:00Z' }).execute();
  };
  async function book(starts: string) {
    ctx.clock.set('2026-05-25T08:00:00Z'); // the day before
    const out = await ctx.handle.db.transaction().execute((trx) => bookAppointment(trx, ctx.clock, { pointId: point.id, itemId, day: DAY, starts, name: '周洁', phone: phone() }));
    return (await ctx.handle.db.selectFrom('service_appointments').select('id').where('code', '=', out.appointment.code).executeTakeFirstOrThrow()).id;
  }
  const at = (t: number): Clock => ({ now: () => new Date(t) });
  const statusOf = async (id: string) => (await ctx.handle.db.selectFrom('service_appointments').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
  /** The window checks the citizen in (a ticket) or records the service naming the booking: true if accepted. */
  async function arrive(id: string, t: number, via: 'checkIn' | 'record') {
    const cadre = await actorOf(ctx, 'cadre01');
    const marked = (await statusOf(id)) === 'no_show';
    try {
      if (via === 'checkIn') await ctx.handle.db.transaction().execute((trx) => checkIn(trx, at(t), cadre, id));
      else {
        const applicant = { name: '周洁', idNumber: withCheckDigit('31010519850312002') };
        await ctx.handle.db.transaction().execute((trx) => createRecord(trx, at(t), cadre, { pointId: point.id, itemId, applicant, materials: [], appointmentId: id }));
      }
      return true;
    } catch (e) {
      const err = e as { code?: string; message?: string; details?: { fields?: { reason: string }[] } };
      // Refused for the grace, or (the round has run since) as a no-show.
      if (via === 'checkIn') expect(err).toMatchObject({ code: 'transition_not_allowed', message: marked ? 'check_in: the appointment is no_show' : 'check_in: the grace period after the slot has passed' });
      else expect(err).toMatchObject({ code: 'validation_failed', details: { fields: [{ field: 'appointmentId', reason: marked ? 'the booking was marked a no-show' : 'the grace period after the booked slot has passed' }] } });
      return false;
    }
  }

  beforeAll(async () => {
    ctx = await servicesContext(kind);
    point = await pointByCode(ctx, 'YW008-CW01');
    itemId = (await itemByName(ctx, '居住证签注')).id;
    await ctx.handle.db.updateTable('service_point_sessions').set({ capacity: 1000 }).where('point_id', '=', point.id).where('weekday', '=', 2).execute();
  }, 60_000);
  afterAll(async () => ctx?.close());

  it('a citizen coming at 10:00 for 09:00–11:30 checks in; the grace counts from 11:30, to the instant', async () => {
    await setGrace(15);
    const inside = await book('09:00');
    expect(await arrive(inside, Date.parse('2026-05-26T02:00:00Z'), 'checkIn')).toBe(true);
    const recorded = await book('09:00');
    expect(await arrive(recorded, Date.parse('2026-05-26T03:10:00Z'), 'record')).toBe(true); // 11:10
    const last = closes('11:30', 15);
    const [onTime, tooLate, absent] = [await book('09:00'), await book('09:00'), await book('09:00')];
    expect(await arrive(onTime, last, 'checkIn')).toBe(true);
    expect(await arrive(tooLate, last + 1, 'checkIn')).toBe(false);
    expect(await arrive(tooLate, last + 1, 'record')).toBe(false);
    await markNoShows(ctx.handle.db, at(last));
    expect([await statusOf(tooLate), await statusOf(absent)]).toEqual(['booked', 'booked']);
    await markNoShows(ctx.handle.db, at(last + 1));
    expect([await statusOf(inside), await statusOf(recorded), await statusOf(onTime), await statusOf(tooLate), await statusOf(absent)])
      .toEqual(['checked_in', 'checked_in', 'checked_in', 'no_show', 'no_show']);
    // Without a grace the session's end is the last instant.
    await setGrace(0);
    const sharp = [await book('13:30'), await book('13:30')];
    const end = closes('16:30', 0);
    expect(await arrive(sharp[0]!, end, 'checkIn')).toBe(true);
    expect(await arrive(sharp[1]!, end + 1, 'checkIn')).toBe(false);
    await markNoShows(ctx.handle.db, at(end));
    expect(await statusOf(sharp[1]!)).toBe('booked');
    await markNoShows(ctx.handle.db, at(end + 1));
    expect(await statusOf(sharp[1]!)).toBe('no_show');
  });

  it('a booking still booked when its day ends is a no-show, whatever its grace', async () => {
    await setGrace(240);
    const id = newId();
    await ctx.handle.db.insertInto('service_appointments').values({
      id, code: `CW${String(n++).padStart(6, '0')}`, token_hash: newId(), subdistrict_id: point.subdistrict_id, committee_id: point.committee_id, point_id: point.id, item_id: itemId,
      day: DAY, starts: '21:00', ends: '23:00', slot_start_at: slotInstant(DAY, '21:00').toISOString(), name: '周洁', phone: phone(),
      status: 'booked', booked_at: '2026-05-25T02:00:00.000Z', cancelled_at: null, checked_in_at: null, checked_in_by: null, no_show_at: null, ticket_id: null,
    }).execute();
    await markNoShows(ctx.handle.db, at(Date.parse('2026-05-26T15:59:59.999Z'))); // 23:59:59.999, inside 23:00 + 4 h
    expect(await statusOf(id)).toBe('booked');
    await markNoShows(ctx.handle.db, at(Date.parse('2026-05-26T16:00:00Z'))); // the next day
    expect(await statusOf(id)).toBe('no_show');
  });

  it('property: over arrivals across a session, accepted iff by its end plus the grace; the round marks exactly those past it who never came', async () => {
    const session = fc.constantFrom({ starts: '09:00', ends: '11:30' }, { starts: '13:30', ends: '16:30' });
    await fc.assert(
      fc.asyncProperty(
        session,
        fc.integer({ min: 0, max: 240 }),
        fc.array(fc.record({ via: fc.constantFrom('checkIn' as const, 'record' as const, 'never' as const), at: fc.oneof(fc.integer({ min: -20 * 60, max: 8 * 3600 }), fc.constantFrom('last', 'after')) }), { minLength: 1, maxLength: 4 }),
        fc.oneof(fc.integer({ min: 0, max: 8 * 3600 }), fc.constantFrom('last', 'after')),
        async (s, grace, arrivals, roundAt) => {
          await setGrace(grace);
          const start = slotInstant(DAY, s.starts).getTime();
          const last = closes(s.ends, grace);
          const instant = (x: number | string) => (x === 'last' ? last : x === 'after' ? last + 1 : start + (x as number) * 1000);
          const round = instant(roundAt);
          const ids: string[] = [];
          for (let i = 0; i < arrivals.length; i++) ids.push(await book(s.starts));
          // Arrivals and the round in time order (the round first at a tie: it runs every minute).
          const events = [...arrivals.map((a, i) => ({ t: instant(a.at), i, via: a.via })), { t: round, i: -1, via: 'round' as const }]
            .filter((e) => e.via !== 'never')
            .sort((x, y) => x.t - y.t || (x.i === -1 ? -1 : y.i === -1 ? 1 : 0));
          const came = new Set<number>();
          for (const e of events) {
            if (e.via === 'round') {
              await markNoShows(ctx.handle.db, at(e.t));
              for (const [i, id] of ids.entries()) expect(await statusOf(id), `booking ${i} after the round at ${new Date(e.t).toISOString()}`).toBe(came.has(i) ? 'checked_in' : e.t > last ? 'no_show' : 'booked');
              continue;
            }
            const accepted = await arrive(ids[e.i]!, e.t, e.via as 'checkIn' | 'record');
            expect(accepted, `${e.via} at ${new Date(e.t).toISOString()} (last ${new Date(last).toISOString()})`).toBe(e.t <= last);
            if (accepted) came.add(e.i);
          }
        },
      ),
      { numRuns: 25 },
    );
  }, 240_000);
});
