import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/auth/actor.js';
import { transitionCase } from '../../src/domain/cases/transition-case.js';
import { foldPendingEvents } from '../../src/domain/dashboard/fold-events.js';
import { withCheckDigit } from '../../src/domain/service-records/masking.js';
import { createRecord, stepRecord } from '../../src/domain/service-records/records.js';
import { newId } from '../../src/domain/shared/ids.js';
import { DIALECTS } from '../helpers/db.js';
import type { TestContext } from '../helpers/app.js';
import { actorOf, itemByName, pointByCode, servicesContext } from './helpers.js';

// A 差评 goes to whoever served, by name. When that person is staff of a handling unit (a window
// staffed by a property company), the case is the unit's as a desk's dispatch to them by name makes
// it (DOMAIN.md §4): a failed check sent back to that unit is rework (返工) when it handles again,
// the handling is credited to it on the dashboard, and the case's counters and the dashboard agree.

const ID = withCheckDigit('31010519900101005');

describe.each(DIALECTS)('a 差评 of a unit\'s staff is that unit\'s case (%s)', (kind) => {
  let ctx: TestContext;
  let staff: Actor;
  let operator: Actor;
  beforeAll(async () => {
    ctx = await servicesContext(kind);
    staff = await actorOf(ctx, 'handler1');
    operator = await actorOf(ctx, 'operator');
    const point = await pointByCode(ctx, 'YW008-CW01');
    await ctx.handle.db.insertInto('service_point_staff').values({ point_id: point.id, user_id: staff.userId } as never).execute();
  }, 60_000);
  afterAll(async () => ctx?.close());

  async function photo(actor: Actor) {
    const id = newId();
    await ctx.handle.db.insertInto('photos').values({
      id, subdistrict_id: actor.subdistrictId, uploaded_by: actor.userId, sha256: id.replace(/-/g, '').padEnd(64, '0'), mime: 'image/jpeg', bytes: 1000,
      width: 10, height: 10, storage_key: `test/${id}`, thumb_key: null, exif_taken_at: null, exif_lat: null, exif_lng: null, created_at: ctx.clock.now().toISOString(),
    } as never).execute();
    return id;
  }

  it('records the unit, counts a failed check sent back to it as rework, and credits its handling to it', async () => {
    const db = ctx.handle.db;
    const point = await pointByCode(ctx, 'YW008-CW01');
    const item = await itemByName(ctx, '居住证签注');
    const { ratingToken } = await db.transaction().execute(async (trx) => {
      const out = await createRecord(trx, ctx.clock, staff, { pointId: point.id, itemId: item.id, applicant: { name: '吴娟', idNumber: ID, phone: '13700000000' }, materials: [] });
      await stepRecord(trx, ctx.clock, staff, out.record.id, { version: 1, action: 'complete', delivery: 'on_site' });
      return out;
    });
    const bad = await ctx.app.inject({ method: 'POST', url: `/api/public/rate/${ratingToken}`, payload: { level: 1, comment: '态度生硬' } });
    expect(bad.statusCode).toBe(201);
    const caseId = bad.json().caseId as string;
    const act = (actor: Actor, input: Record<string, unknown>) => db.transaction().execute((trx) => transitionCase(trx, ctx.clock, actor, caseId, input as never));
    let c = await db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();
    // Dispatched to the person who served, and so to their unit, as the desk would have.
    expect({ unit: c.assigned_unit_id, user: c.assigned_user_id }).toEqual({ unit: staff.handlingUnitId, user: staff.userId });
    // The unit it is answerable to, which the dashboard's live figures and the unit filters read.
    expect(c.responsible_unit_id).toBe(staff.handlingUnitId);

    let dto = await act(staff, { action: 'handle', version: c.version, note: '已整改', photoIds: [await photo(staff)] });
    dto = await act(operator, { action: 'check_fail', version: dto.version, note: '未整改到位' });
    // The desk sends it to the unit itself (not the person): the same unit, so its next handling is rework.
    dto = await act(operator, { action: 'redispatch', version: dto.version, unitId: staff.handlingUnitId, reason: '交单位处理' });
    dto = await act(staff, { action: 'handle', version: dto.version, note: '再次整改', photoIds: [await photo(staff)] });
    expect(dto.reworkCount).toBe(1);

    while ((await foldPendingEvents(db, ctx.clock)).length);
    const state = await db.selectFrom('case_rollup_state').selectAll().where('case_id', '=', caseId).executeTakeFirstOrThrow();
    expect({ reworked: Number(state.reworked), unit: state.handled_unit_id }).toEqual({ reworked: 1, unit: staff.handlingUnitId });
  });
});
