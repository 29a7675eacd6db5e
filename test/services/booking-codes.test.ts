import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookingCodes } from '../../src/domain/service-queue/appointments.js';
import { DIALECTS } from '../helpers/db.js';
import type { TestContext } from '../helpers/app.js';
import { itemByName, pointByCode, servicesContext } from './helpers.js';

describe.each(DIALECTS)('booking codes (%s)', (kind) => {
  let ctx: TestContext;
  const random = bookingCodes.draw;
  /** The codes the next draws give (then random ones again). */
  const scripted: string[] = [];
  beforeAll(async () => {
    ctx = await servicesContext(kind);
    bookingCodes.draw = () => scripted.shift() ?? random();
  }, 60_000);
  afterAll(async () => {
    bookingCodes.draw = random;
    await ctx?.close();
  });

  it('a booking that draws a code already in use draws again (no 500); the place is taken once', async () => {
    const point = await pointByCode(ctx, 'YW008-CW01');
    const itemId = (await itemByName(ctx, '居住证签注')).id;
    const book = (phone: string) =>
      ctx.app.inject({ method: 'POST', url: '/api/public/appointments', payload: { pointId: point.id, itemId, day: '2026-05-27', starts: '09:00', name: '王五', phone } });
    const booked = async () =>
      Number((await ctx.handle.db.selectFrom('service_slot_bookings').select('booked').where('point_id', '=', point.id).where('day', '=', '2026-05-27').where('starts', '=', '09:00').executeTakeFirstOrThrow()).booked);
    scripted.push('AAAAAAAA');
    const first = await book('13912345678');
    expect(first.statusCode).toBe(201);
    expect(first.json().appointment.code).toBe('AAAAAAAA');
    scripted.push('AAAAAAAA', 'BBBBBBBB');
    const second = await book('13912345679');
    expect(second.statusCode).toBe(201);
    expect(second.json().appointment.code).toBe('BBBBBBBB');
    expect(scripted).toEqual([]);
    expect(await booked()).toBe(2);
    // Every draw taken: refused as a conflict, nothing written.
    scripted.push(...Array(5).fill('AAAAAAAA'));
    const third = await book('13912345670');
    expect(third.statusCode).toBe(409);
    scripted.length = 0;
    expect(await booked()).toBe(2);
  });
});
