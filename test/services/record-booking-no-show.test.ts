import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markNoShows } from '../../src/domain/service-queue/no-shows.js';
import { withCheckDigit } from '../../src/domain/service-records/masking.js';
import { createRecord } from '../../src/domain/service-records/records.js';
import { slotInstant } from '../../src/domain/service-queue/slots.js';
import { newId } from '../../src/domain/shared/ids.js';
import { DIALECTS } from '../helpers/db.js';
import type { TestContext } from '../helpers/app.js';
import { actorOf, itemByName, pointByCode, servicesContext } from './helpers.js';

/**
 * A booking is a no-show or a service, never both: the no-show round leaves alone a booking a
 * service record names (the citizen came and was served), and a record does not name a booking
 * already marked a no-show (the figures counted nobody coming).
 */
describe.each(DIALECTS)('a served booking is not a no-show (%s)', (kind) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await servicesContext(kind);
  }, 60_000);
  afterAll(async () => ctx?.close());

  let n = 0;
  /** A booking of today's session starts–ends (the clock is at 10:30 Shanghai). */
  async function booking(starts: string, ends: string) {
    const point = await pointByCode(ctx, 'YW008-CW01');
    const item = await itemByName(ctx, '居住证签注');
    const id = newId();
    await ctx.handle.db.insertInto('service_appointments').values({
      id, subdistrict_id: point.subdistrict_id, committee_id: point.committee_id, point_id: point.id, item_id: item.id, day: '2026-05-26',
      starts, ends, slot_start_at: slotInstant('2026-05-26', starts).toISOString(), name: '赵敏', phone: `139000000${String(n).padStart(2, '0')}`, code: `RBN${String(n++).padStart(4, '0')}`,
      token_hash: newId(), status: 'booked', booked_at: '2026-05-25T02:00:00.000Z', cancelled_at: null, checked_in_at: null, checked_in_by: null, no_show_at: null, ticket_id: null,
    } as never).execute();
    return id;
  }
  async function record(appointmentId: string) {
    const cadre = await actorOf(ctx, 'cadre01');
    const point = await pointByCode(ctx, 'YW008-CW01');
    const item = await itemByName(ctx, '居住证签注');
    return ctx.handle.db.transaction().execute((trx) =>
      createRecord(trx, ctx.clock, cadre, { pointId: point.id, itemId: item.id, applicant: { name: '赵敏', idNumber: withCheckDigit('31010519850312002') }, materials: [], appointmentId }),
    );
  }
  const statusOf = async (id: string) => (await ctx.handle.db.selectFrom('service_appointments').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

  it('the no-show round passes over a booking a record names; the others past the grace are marked', async () => {
    const [served, absent] = [await booking('10:30', '11:30'), await booking('10:30', '11:30')];
    await record(served);
    ctx.clock.advance(76 * 60_000); // 11:46: past the session's end and the default grace of 15 minutes
    await markNoShows(ctx.handle.db, ctx.clock);
    expect(await statusOf(absent)).toBe('no_show');
    expect(await statusOf(served)).toBe('checked_in');
    ctx.clock.set('2026-05-26T02:30:00Z');
  });

  it('a record does not name a booking marked a no-show', async () => {
    const absent = await booking('09:00', '10:00'); // ended at 10:00, more than the grace ago
    await markNoShows(ctx.handle.db, ctx.clock);
    expect(await statusOf(absent)).toBe('no_show');
    await expect(record(absent)).rejects.toMatchObject({ code: 'validation_failed', details: { fields: [{ field: 'appointmentId', reason: 'the booking was marked a no-show' }] } });
  });
});
