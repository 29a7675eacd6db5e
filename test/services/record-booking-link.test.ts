import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCheckDigit } from '../../src/domain/service-records/masking.js';
import { createRecord } from '../../src/domain/service-records/records.js';
import { newId } from '../../src/domain/shared/ids.js';
import { DIALECTS } from '../helpers/db.js';
import type { TestContext } from '../helpers/app.js';
import { actorOf, itemByName, pointByCode, servicesContext } from './helpers.js';

describe.each(DIALECTS)('a record names a booking it served (%s)', (kind) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await servicesContext(kind);
  }, 60_000);
  afterAll(async () => ctx?.close());

  it('not a cancelled booking, not another item\'s, and one booking has one record', async () => {
    const db = ctx.handle.db;
    const cadre = await actorOf(ctx, 'cadre01');
    const point = await pointByCode(ctx, 'YW008-CW01');
    const item = await itemByName(ctx, '居住证签注');
    const other = await itemByName(ctx, '居住登记');
    let n = 0;
    const booking = async (status: 'booked' | 'checked_in' | 'cancelled', itemId: string) => {
      const id = newId();
      const at = ctx.clock.now().toISOString();
      await db.insertInto('service_appointments').values({
        id, subdistrict_id: point.subdistrict_id, committee_id: point.committee_id, point_id: point.id, item_id: itemId, day: '2026-05-26',
        starts: '10:30', ends: '11:30', slot_start_at: '2026-05-26T02:30:00.000Z', name: '赵敏', phone: '13912345678', code: `LINK${String(n++).padStart(4, '0')}`,
        token_hash: newId(), status, booked_at: at, cancelled_at: status === 'cancelled' ? at : null, checked_in_at: null, checked_in_by: null, no_show_at: null, ticket_id: null,
      } as never).execute();
      return id;
    };
    const create = (appointmentId: string) =>
      db.transaction().execute((trx) =>
        createRecord(trx, ctx.clock, cadre, { pointId: point.id, itemId: item.id, applicant: { name: '赵敏', idNumber: withCheckDigit('31010519850312002') }, materials: [], appointmentId }),
      );
    const count = async () => Number((await db.selectFrom('service_records').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    await expect(create(await booking('cancelled', item.id))).rejects.toMatchObject({ code: 'validation_failed', details: { fields: [{ field: 'appointmentId', reason: 'the booking was cancelled' }] } });
    await expect(create(await booking('booked', other.id))).rejects.toMatchObject({ details: { fields: [{ field: 'appointmentId', reason: 'the booking is for another item' }] } });
    const mine = await booking('booked', item.id);
    ctx.clock.advance(60_000);
    const first = await create(mine);
    expect(first.record.appointmentId).toBe(mine);
    await expect(create(mine)).rejects.toMatchObject({ details: { fields: [{ field: 'appointmentId', reason: 'the booking already has its record' }] } });
    expect(await count()).toBe(before + 1);
  });
});
