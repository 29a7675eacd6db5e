import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiDate } from '../../src/domain/calendar/office-hours.js';
import { isWorkingDay, loadOverrides } from '../../src/domain/calendar/working-days.js';
import { putOverride } from '../../src/domain/calendar/overrides.js';
import { dueAfterWorkingDays } from '../../src/domain/service-records/due-dates.js';
import { isResidentIdNumber, maskIdNumber, withCheckDigit } from '../../src/domain/service-records/masking.js';
import { issueTicket } from '../../src/domain/service-queue/tickets.js';
import { createRecord, stepRecord } from '../../src/domain/service-records/records.js';
import { newId } from '../../src/domain/shared/ids.js';
import { DIALECTS } from '../helpers/db.js';
import { type TestContext, signInAs } from '../helpers/app.js';
import { actorOf, itemByName, pointByCode, servicesContext } from './helpers.js';

const ID = withCheckDigit('31010519850312002');

describe('ID masking', () => {
  it('shows the first 3 and last 4 characters only', () => {
    fc.assert(fc.property(fc.stringMatching(/^[0-9X]{8,30}$/), (id) => {
      const m = maskIdNumber(id)!;
      expect(m).toHaveLength(id.length);
      expect(m.slice(0, 3)).toBe(id.slice(0, 3));
      expect(m.slice(-4)).toBe(id.slice(-4));
      expect(m.slice(3, -4)).toMatch(/^\*+$/);
    }));
    expect(isResidentIdNumber(ID)).toBe(true);
  });
});

describe.each(DIALECTS)('service records (%s)', (kind) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await servicesContext(kind);
  }, 60_000);
  afterAll(async () => ctx?.close());

  const allReceived = (materials: string) => (JSON.parse(materials) as unknown[]).map((_, index) => ({ index, received: true, deferred: false }));

  it('due dates count working days on the calendar, across a holiday the subdistrict enters', async () => {
    const db = ctx.handle.db;
    const hq = (await actorOf(ctx, 'operator')).subdistrictId!;
    const fri = new Date('2026-05-29T02:00:00Z'); // Friday 10:00 in Shanghai
    expect((await dueAfterWorkingDays(db, fri, 3, hq)).toISOString()).toBe('2026-06-03T09:30:00.000Z');
    expect((await dueAfterWorkingDays(db, fri, 0, hq)).toISOString()).toBe('2026-05-29T09:30:00.000Z');
    // 即办 at an evening session (18:00) is due by the end of that day, not late at acceptance.
    expect((await dueAfterWorkingDays(db, new Date('2026-05-29T10:00:00Z'), 0, hq)).toISOString()).toBe('2026-05-29T15:59:59.999Z');
    await db.insertInto('calendar_overrides').values({ id: newId(), subdistrict_id: hq, date: '2026-06-01', kind: 'holiday', note: '测试假日', created_by: null, created_at: fri.toISOString(), updated_at: fri.toISOString() }).execute();
    expect((await dueAfterWorkingDays(db, fri, 3, hq)).toISOString()).toBe('2026-06-04T09:30:00.000Z');
    // The record takes it: a 3-working-day item accepted on Friday is due Thursday.
    const cadre = await actorOf(ctx, 'cadre01');
    const item = await ctx.handle.db
      .selectFrom('service_item_versions').select(['item_id as id', 'materials']).where('promised_limit_days', '=', 3).where('version', '=', 1).executeTakeFirstOrThrow();
    const point = await pointByCode(ctx, 'YW008-CW01');
    ctx.clock.set(fri);
    const out = await db.transaction().execute((trx) => createRecord(trx, ctx.clock, cadre, { pointId: point.id, itemId: item.id, applicant: { name: '王芳', idNumber: ID, phone: null }, materials: allReceived(item.materials) }));
    expect(out.record.dueAt).toBe('2026-06-04T09:30:00.000Z');
    ctx.clock.set('2026-05-26T02:30:00Z');
  });

  it('a holiday entered while a record is open moves its due time, as it moves a case\'s', async () => {
    const db = ctx.handle.db;
    const operator = await actorOf(ctx, 'admin');
    const cadre = await actorOf(ctx, 'cadre01');
    const item = await db.selectFrom('service_item_versions').select(['item_id as id', 'materials']).where('promised_limit_days', '=', 3).where('version', '=', 1).executeTakeFirstOrThrow();
    const point = await pointByCode(ctx, 'YW008-CW01');
    ctx.clock.set('2026-07-07T02:00:00Z'); // Tuesday 10:00 in Shanghai
    const out = await db.transaction().execute((trx) => createRecord(trx, ctx.clock, cadre, { pointId: point.id, itemId: item.id, applicant: { name: '王芳', idNumber: ID, phone: null }, materials: allReceived(item.materials) }));
    expect(out.record.dueAt).toBe('2026-07-10T09:30:00.000Z'); // Friday 17:30
    const put = await putOverride(db, ctx.clock, operator, { date: '2026-07-08', kind: 'holiday', note: '测试假日', subdistrictId: operator.subdistrictId });
    expect(put.retimed.records).toBeGreaterThanOrEqual(1);
    const moved = await db.selectFrom('service_records').select('due_at').where('id', '=', out.record.id).executeTakeFirstOrThrow();
    expect(moved.due_at).toBe('2026-07-13T09:30:00.000Z'); // Monday 17:30: one working day more
    // A decided record keeps its figures.
    await db.updateTable('service_records').set({ decided_at: ctx.clock.now().toISOString() }).where('id', '=', out.record.id).execute();
    const again = await putOverride(db, ctx.clock, operator, { date: '2026-07-09', kind: 'holiday', note: '测试假日', subdistrictId: operator.subdistrictId });
    expect((await db.selectFrom('service_records').select('due_at').where('id', '=', out.record.id).executeTakeFirstOrThrow()).due_at).toBe('2026-07-13T09:30:00.000Z');
    expect(again.retimed).toHaveProperty('records');
    ctx.clock.set('2026-05-26T02:30:00Z');
  });

  it('due dates: the rule holds for any acceptance time and limit', async () => {
    const db = ctx.handle.db;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: Date.parse('2026-01-01'), max: Date.parse('2026-12-20') }), fc.integer({ min: 0, max: 25 }), async (t, days) => {
        const at = new Date(t);
        const due = await dueAfterWorkingDays(db, at, days, null);
        const from = shanghaiDate(at);
        const dueDay = shanghaiDate(due);
        const overrides = await loadOverrides(db, from, dueDay, null);
        if (days === 0) {
          // The same day, never before the acceptance: by 17:30, or by midnight after it.
          expect(dueDay).toBe(from);
          expect(due.getTime()).toBeGreaterThanOrEqual(at.getTime());
          const close = Date.parse(`${from}T17:30:00+08:00`);
          expect(due.getTime()).toBe(at.getTime() <= close ? close : Date.parse(`${from}T23:59:59.999+08:00`));
          return;
        }
        expect(isWorkingDay(dueDay, overrides)).toBe(true);
        expect(new Date(due.getTime() + 8 * 3600_000).toISOString().slice(11, 16)).toBe('17:30');
        let n = 0;
        for (let d = addDays(from, 1); d <= dueDay; d = addDays(d, 1)) if (isWorkingDay(d, overrides)) n++;
        expect(n).toBe(days);
      }),
      { numRuns: 40, seed: Number(process.env.FC_SEED ?? 15) },
    );
  });

  it('materials against the checklist, 容缺 only where allowed, 代办 needs agent and authorisation', async () => {
    const db = ctx.handle.db;
    const cadre = await actorOf(ctx, 'cadre01');
    const point = await pointByCode(ctx, 'YW008-CW01');
    const item = await itemByName(ctx, '最低生活保障申请');
    const specs = JSON.parse(item.materials) as { name: string; deferrable: boolean; eLicenceExempt: boolean }[];
    const create = (over: Record<string, unknown>) =>
      db.transaction().execute((trx) => createRecord(trx, ctx.clock, cadre, { pointId: point.id, itemId: item.id, applicant: { name: '赵敏', idNumber: ID, phone: '13912345678' }, materials: allReceived(item.materials), ...over }));
    const missing = specs.findIndex((m) => !m.deferrable && !m.eLicenceExempt);
    await expect(create({ materials: allReceived(item.materials).filter((m) => m.index !== missing) })).rejects.toMatchObject({ code: 'validation_failed', details: { fields: [{ field: 'materials' }] } });
    await expect(create({ materials: allReceived(item.materials).map((m) => (m.index === missing ? { ...m, received: false, deferred: true } : m)) })).rejects.toMatchObject({ details: { fields: [{ field: 'materials' }] } });
    const deferrable = specs.findIndex((m) => m.deferrable);
    const ok = await create({ materials: allReceived(item.materials).map((m) => (m.index === deferrable ? { ...m, received: false, deferred: true } : m)) });
    expect(ok.record.deferredCount).toBe(1);
    expect(ok.record.mode).toBe('separated');
    await expect(create({ assistRole: 'proxy' })).rejects.toMatchObject({ details: { fields: [{ field: 'agent' }] } });
    await expect(create({ assistRole: 'proxy', agent: { name: '钱勇', idNumber: ID, phone: null } })).rejects.toMatchObject({ details: { fields: [{ field: 'authorizationRef' }] } });
    const proxy = await create({ assistRole: 'proxy', agent: { name: '钱勇', idNumber: withCheckDigit('31010519700101003'), phone: null }, authorizationRef: 'WT-2026-001' });
    expect(proxy.record.agent).toMatchObject({ name: '钱勇', authorizationRef: 'WT-2026-001' });
    // Nothing half-written: the refused attempts left no record.
    const n = await db.selectFrom('service_records').select((eb) => eb.fn.countAll<number>().as('n')).where('item_id', '=', item.id).executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(2);
    // 收受分离: hand off, return, complete; completing before the return is refused.
    let r = ok.record;
    await expect(stepRecord(db, ctx.clock, cadre, r.id, { version: r.version, action: 'complete', delivery: 'on_site', reason: '已补交' })).rejects.toMatchObject({ code: 'transition_not_allowed' });
    r = await stepRecord(db, ctx.clock, cadre, r.id, { version: r.version, action: 'hand_off' });
    r = await stepRecord(db, ctx.clock, cadre, r.id, { version: r.version, action: 'return' });
    await expect(stepRecord(db, ctx.clock, cadre, r.id, { version: r.version, action: 'complete', delivery: 'post' })).rejects.toMatchObject({ details: { fields: [{ field: 'reason' }] } });
    r = await stepRecord(db, ctx.clock, cadre, r.id, { version: r.version, action: 'complete', delivery: 'post', reason: '容缺材料已补交' });
    expect(r).toMatchObject({ status: 'completed', onTime: true });
    const back = await stepRecord(db, ctx.clock, cadre, proxy.record.id, { version: 1, action: 'send_back', reason: '申请人户籍不在本市' });
    expect(back).toMatchObject({ status: 'sent_back', resultReason: '申请人户籍不在本市' });
  });

  it('a record may name only a ticket or booking of its own point, and a ticket not yet recorded; it says how long rating stays open', async () => {
    const db = ctx.handle.db;
    const cadre = await actorOf(ctx, 'cadre01');
    const point = await pointByCode(ctx, 'YW008-CW01');
    const item = await itemByName(ctx, '居住证签注');
    const create = (over: Record<string, unknown>) =>
      db.transaction().execute((trx) => createRecord(trx, ctx.clock, cadre, { pointId: point.id, itemId: item.id, applicant: { name: '赵敏', idNumber: ID, phone: '13912345678' }, materials: allReceived(item.materials), ...over }));
    const elsewhere = await db.selectFrom('service_points').selectAll().where('id', '<>', point.id).where('status', '=', 'built').executeTakeFirstOrThrow();
    const other = await db.transaction().execute((trx) => issueTicket(trx, ctx.clock.now(), elsewhere, item.id, { userId: null }));
    const otherBooking = { id: newId() };
    await db.insertInto('service_appointments').values({
      id: otherBooking.id, subdistrict_id: elsewhere.subdistrict_id, committee_id: elsewhere.committee_id, point_id: elsewhere.id, item_id: item.id, day: '2026-05-27',
      starts: '09:00', ends: '10:00', slot_start_at: '2026-05-27T01:00:00.000Z', name: '赵敏', phone: '13912345678', code: 'ELSEWH01', token_hash: newId(), status: 'booked',
      booked_at: ctx.clock.now().toISOString(), cancelled_at: null, checked_in_at: null, checked_in_by: null, no_show_at: null, ticket_id: null,
    } as never).execute();
    await expect(create({ ticketId: other.id })).rejects.toMatchObject({ code: 'validation_failed', details: { fields: [{ field: 'ticketId', reason: 'not a ticket of this point' }] } });
    await expect(create({ ticketId: '0190a0a0-0000-7000-8000-000000000000' })).rejects.toMatchObject({ details: { fields: [{ field: 'ticketId' }] } });
    await expect(create({ appointmentId: otherBooking.id })).rejects.toMatchObject({ details: { fields: [{ field: 'appointmentId', reason: 'not a booking at this point' }] } });
    const ticket = await db.transaction().execute((trx) => issueTicket(trx, ctx.clock.now(), point, item.id, { userId: cadre.userId }));
    const first = await create({ ticketId: ticket.id });
    await db.updateTable('service_tickets').set({ record_id: first.record.id }).where('id', '=', ticket.id).execute();
    await expect(create({ ticketId: ticket.id })).rejects.toMatchObject({ details: { fields: [{ field: 'ticketId', reason: 'the ticket already has its record' }] } });
    // The rating window is the subdistrict's setting, not a constant.
    expect(first.ratingWindowDays).toBe((await db.selectFrom('service_settings').select('rating_window_days').where('subdistrict_id', '=', point.subdistrict_id).executeTakeFirst())?.rating_window_days ?? 7);
    await db.insertInto('service_settings').values({ subdistrict_id: point.subdistrict_id, bad_rating_days: 5, rating_window_days: 12, no_show_grace_minutes: 15, updated_at: ctx.clock.now().toISOString() } as never)
      .onConflict((oc) => oc.column('subdistrict_id').doUpdateSet({ rating_window_days: 12 })).execute();
    expect((await create({})).ratingWindowDays).toBe(12);
  });

  it('ID numbers are masked; only the back office sees them in full, and each reveal is logged', async () => {
    const cadre = await signInAs(ctx.app, 'cadre01');
    const point = await pointByCode(ctx, 'YW008-CW01');
    const item = await itemByName(ctx, '居住证签注');
    const created = await ctx.app.inject({
      method: 'POST', url: '/api/services/records', headers: { cookie: cadre },
      payload: { pointId: point.id, itemId: item.id, applicant: { name: '孙杰', idNumber: ID, phone: '13800001234' }, materials: [] },
    });
    expect(created.statusCode).toBe(201);
    const rec = created.json().record;
    expect(created.body).not.toContain(ID);
    expect(rec.applicant.idNumber).toBe(`${ID.slice(0, 3)}***********${ID.slice(-4)}`);
    expect(rec.applicant.phone).toBe('138****1234');
    const list = await ctx.app.inject({ method: 'GET', url: '/api/services/records', headers: { cookie: cadre } });
    expect(list.body).not.toContain(ID);
    // The window cadre may not reveal; the operator may, and is logged.
    const denied = await ctx.app.inject({ method: 'POST', url: `/api/services/records/${rec.id}/reveal`, headers: { cookie: cadre }, payload: { field: 'applicant', reason: '核对身份' } });
    expect(denied.statusCode).toBe(403);
    const operator = await signInAs(ctx.app, 'operator');
    const noReason = await ctx.app.inject({ method: 'POST', url: `/api/services/records/${rec.id}/reveal`, headers: { cookie: operator }, payload: { field: 'applicant' } });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.details.fields[0].field).toBe('reason');
    const shown = await ctx.app.inject({ method: 'POST', url: `/api/services/records/${rec.id}/reveal`, headers: { cookie: operator }, payload: { field: 'applicant', reason: '后台审核核对身份' } });
    expect(shown.statusCode).toBe(200);
    expect(shown.json().idNumber).toBe(ID);
    const log = await ctx.app.inject({ method: 'GET', url: `/api/services/records/${rec.id}/reveals`, headers: { cookie: operator } });
    expect(log.json().items).toHaveLength(1);
    expect(log.json().items[0]).toMatchObject({ field: 'applicant', reason: '后台审核核对身份' });
    // …and in the audit log, without the number itself.
    const audit = await ctx.handle.db.selectFrom('audit_log').selectAll().where('action', '=', 'reveal.id_number').where('entity_id', '=', rec.id).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_username: 'operator', entity: 'reveal' });
    expect(JSON.stringify(audit[0])).not.toContain(ID);
    // Another committee's cadre cannot see the record at all; a cadre not on the point's staff cannot record there.
    const cadre2 = await signInAs(ctx.app, 'cadre02');
    expect((await ctx.app.inject({ method: 'GET', url: `/api/services/records/${rec.id}`, headers: { cookie: cadre2 } })).statusCode).toBe(404);
    const foreign = await ctx.app.inject({ method: 'POST', url: '/api/services/records', headers: { cookie: cadre2 }, payload: { pointId: point.id, itemId: item.id, applicant: { name: '孙杰', idNumber: ID, phone: null }, materials: [] } });
    expect(foreign.statusCode).toBe(404);
  });

  it('overdue records reach the operations centre', async () => {
    const cadre = await actorOf(ctx, 'cadre01');
    const point = await pointByCode(ctx, 'YW008-CW01');
    const item = await itemByName(ctx, '临时救助申请');
    const out = await ctx.handle.db.transaction().execute((trx) => createRecord(trx, ctx.clock, cadre, { pointId: point.id, itemId: item.id, applicant: { name: '周强', idNumber: ID, phone: null }, materials: allReceived(item.materials) }));
    const operator = await signInAs(ctx.app, 'operator');
    const before = await ctx.app.inject({ method: 'GET', url: '/api/services/records/overdue', headers: { cookie: operator } });
    expect(before.json().items.map((r: { id: string }) => r.id)).not.toContain(out.record.id);
    ctx.clock.set(new Date(Date.parse(out.record.dueAt) + 60_000));
    const after = await ctx.app.inject({ method: 'GET', url: '/api/services/records/overdue', headers: { cookie: await signInAs(ctx.app, 'operator') } });
    expect(after.json().items.find((r: { id: string }) => r.id === out.record.id)).toMatchObject({ overdue: true });
    ctx.clock.set('2026-05-26T02:30:00Z');
  });

  it('the list filters by point, item, status and overdue, within the scope', async () => {
    const cadre = await actorOf(ctx, 'cadre01');
    const point = await pointByCode(ctx, 'YW008-CW01');
    const [a, b] = await Promise.all([itemByName(ctx, '临时救助申请'), itemByName(ctx, '居住证签注')]);
    const make = (item: typeof a) =>
      ctx.handle.db.transaction().execute((trx) => createRecord(trx, ctx.clock, cadre, { pointId: point.id, itemId: item.id, applicant: { name: '吴敏', idNumber: ID, phone: null }, materials: allReceived(item.materials) }));
    const ra = await make(a);
    const rb = await make(b);
    const operator = await signInAs(ctx.app, 'operator');
    const list = async (q: string) =>
      (await ctx.app.inject({ method: 'GET', url: `/api/services/records?${q}`, headers: { cookie: operator } })).json().items.map((r: { id: string }) => r.id) as string[];
    const byA = await list(`itemId=${a.id}&pointId=${point.id}`);
    expect(byA).toContain(ra.record.id);
    expect(byA).not.toContain(rb.record.id);
    const byB = await list(`itemId=${b.id}&status=accepted`);
    expect(byB).toContain(rb.record.id);
    expect(byB).not.toContain(ra.record.id);
    expect(await list(`itemId=${b.id}&status=completed`)).not.toContain(rb.record.id);
    expect(await list(`itemId=${b.id}&overdue=true`)).not.toContain(rb.record.id);
  });
});
