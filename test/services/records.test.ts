import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, shanghaiDate } from '../../src/domain/calendar/office-hours.js';
import { isWorkingDay, loadOverrides } from '../../src/domain/calendar/working-days.js';
import { putOverride } from '../../src/domain/calendar/overrides.js';
import { dueAfterWorkingDays } from '../../src/domain/service-records/due-dates.js';
import { isResidentIdNumber, maskIdNumber, maskPhone, withCheckDigit } from '../../src/domain/service-records/masking.js';
import { issueTicket } from '../../src/domain/service-queue/tickets.js';
import { createRecord, stepRecord } from '../../src/domain/service-records/records.js';
import { newId } from '../../src/domain/shared/ids.js';
import { DIALECTS } from '../helpers/db.js';
import { type TestContext, signInAs } from '../helpers/app.js';
import { actorOf, itemByName, pointByCode, servicesContext } from './helpers.js';

const ID = withCheckDigit('31010519850312002');

describe('ID masking', () => {
  const visible = (m: string) => [...m].filter((c) => c !== '*').length;
  it('a mainland ID number shows its first 3 and last 4 characters only', () => {
    fc.assert(fc.property(fc.stringMatching(/^[0-9X]{15,30}$/), (id) => {
      const m = maskIdNumber(id)!;
      expect(m).toHaveLength(id.length);
      expect(m.slice(0, 3)).toBe(id.slice(0, 3));
      expect(m.slice(-4)).toBe(id.slice(-4));
      expect(m.slice(3, -4)).toMatch(/^\*+$/);
    }));
    expect(isResidentIdNumber(ID)).toBe(true);
  });

  it('a shorter document number (passport, permit) never shows half of itself', () => {
    fc.assert(fc.property(fc.stringMatching(/^[0-9A-Z]{1,14}$/), (id) => {
      const m = maskIdNumber(id)!;
      expect(m).toHaveLength(id.length);
      expect(visible(m)).toBeLessThan(id.length / 2);
      for (let i = 0; i < m.length; i++) if (m[i] !== '*') expect(m[i]).toBe(id[i]);
    }));
    expect(maskIdNumber('E12345678')).toBe('E******78');
  });

  it('a phone number: a mobile shows 3 + 4, a shorter number its last 4 at most, never more than half', () => {
    fc.assert(fc.property(fc.stringMatching(/^[0-9]{1,20}$/), (phone) => {
      const m = maskPhone(phone)!;
      expect(m).toHaveLength(phone.length);
      if (phone.length >= 11) expect(visible(m)).toBe(7);
      else expect(visible(m)).toBeLessThanOrEqual(phone.length / 2);
    }));
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('62345678')).toBe('****5678');
  });
});

describe.each(DIALECTS)('service records (%s)', (kind) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await servicesContext(kind);
  }, 60_000);
  afterAll(async () => ctx?.close());

  const allReceived = (materials: string) => (JSON.parse(materials) as unknown[]).map((_, index) => ({ index, received: true, deferred: false }));
  /** A ticket called to the window and being served (a record names only a ticket its window called). */
  const serving = async (ticketId: string, userId: string) => {
    const at = ctx.clock.now().toISOString();
    await ctx.handle.db.updateTable('service_tickets').set({ status: 'serving', called_at: at, called_by: userId, started_at: at }).where('id', '=', ticketId).execute();
  };

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
    // Still waiting: its holder has not been called to the window.
    await expect(create({ ticketId: ticket.id })).rejects.toMatchObject({ details: { fields: [{ field: 'ticketId', reason: 'the ticket has not been called' }] } });
    await serving(ticket.id, cadre.userId);
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
    // from/to are instants: given in Shanghai time (+08:00) they mean the same as in UTC.
    const around = (from: string, to: string) => list(`itemId=${b.id}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    expect(rb.record.acceptedAt).toBe('2026-05-26T02:30:00.000Z');
    expect(await around('2026-05-26T10:00:00+08:00', '2026-05-26T11:00:00+08:00')).toContain(rb.record.id);
    expect(await around('2026-05-26T02:00:00Z', '2026-05-26T03:00:00Z')).toContain(rb.record.id);
    expect(await around('2026-05-26T10:31:00+08:00', '2026-05-26T11:00:00+08:00')).not.toContain(rb.record.id);
  });

  it('handling-unit staff read only the records of the points whose staff lists them (a property or sanitation company sees none)', async () => {
    const db = ctx.handle.db;
    const cadre = await actorOf(ctx, 'cadre01');
    const point = await pointByCode(ctx, 'YW008-CW01');
    const centre = await pointByCode(ctx, 'YW008-CTR');
    const item = await itemByName(ctx, '居住证签注');
    const create = (actor: Awaited<ReturnType<typeof actorOf>>, pointId: string) =>
      db.transaction().execute((trx) => createRecord(trx, ctx.clock, actor, { pointId, itemId: item.id, applicant: { name: '赵敏', idNumber: ID, phone: '13912345678' }, materials: allReceived(item.materials) }));
    const atWindow = await create(cadre, point.id);
    const atCentre = await create(await actorOf(ctx, 'window1'), centre.id);
    const seen = async (username: string) => {
      const cookie = await signInAs(ctx.app, username);
      const list = await ctx.app.inject({ method: 'GET', url: '/api/services/records?limit=500', headers: { cookie } });
      expect(list.statusCode).toBe(200);
      const ids = list.json().items.map((r: { id: string; pointId: string }) => r.id) as string[];
      const one = async (id: string) => (await ctx.app.inject({ method: 'GET', url: `/api/services/records/${id}`, headers: { cookie } })).statusCode;
      ctx.clock.set(new Date(Date.parse(atCentre.record.dueAt) + 60_000));
      const overdue = await ctx.app.inject({ method: 'GET', url: '/api/services/records/overdue?limit=500', headers: { cookie } });
      ctx.clock.set('2026-05-26T02:30:00Z');
      const late = overdue.json().items.map((r: { id: string }) => r.id) as string[];
      return { window: [ids.includes(atWindow.record.id), late.includes(atWindow.record.id), await one(atWindow.record.id)], centre: [ids.includes(atCentre.record.id), late.includes(atCentre.record.id), await one(atCentre.record.id)], all: ids };
    };
    for (const company of ['handler1', 'sanitation']) {
      const s = await seen(company);
      expect(s, company).toMatchObject({ window: [false, false, 404], centre: [false, false, 404], all: [] });
    }
    // The centre's clerk (a handler on the centre's staff) reads the centre's records, not the committee window's.
    expect(await seen('window1')).toMatchObject({ window: [false, false, 404], centre: [true, true, 200] });
    expect(await seen('operator')).toMatchObject({ window: [true, true, 200], centre: [true, true, 200] });
  });

  it('one ticket, one record: a second record naming it (even at the same moment) is refused naming ticketId; a skipped ticket or another item\'s too', async () => {
    const db = ctx.handle.db;
    const cadre = await actorOf(ctx, 'cadre01');
    const point = await pointByCode(ctx, 'YW008-CW01');
    const item = await itemByName(ctx, '居住证签注');
    const other = await itemByName(ctx, '临时救助申请');
    const input = (ticketId: string, itemId = item.id, materials = item.materials) =>
      ({ pointId: point.id, itemId, applicant: { name: '赵敏', idNumber: ID, phone: null }, materials: allReceived(materials), ticketId });
    const ticket = await db.transaction().execute((trx) => issueTicket(trx, ctx.clock.now(), point, item.id, { userId: cadre.userId }));
    await serving(ticket.id, cadre.userId);
    // The first window has written its record and not yet committed when the second checks the ticket.
    let reached!: () => void;
    const written = new Promise<void>((resolve) => (reached = resolve));
    const first = db.transaction().execute(async (trx) => {
      const out = await createRecord(trx, ctx.clock, cadre, input(ticket.id));
      reached();
      await new Promise((r) => setTimeout(r, 300));
      return out;
    });
    await written;
    const second = db.transaction().execute((trx) => createRecord(trx, ctx.clock, cadre, input(ticket.id))).then(() => 'created', (e: { code?: string; details?: unknown }) => e);
    const [a, b] = await Promise.all([first, second]);
    expect(a.record.ticketId).toBe(ticket.id);
    expect(b).toMatchObject({ code: 'validation_failed', details: { fields: [{ field: 'ticketId', reason: 'the ticket already has its record' }] } });
    expect(await db.selectFrom('service_records').select('id').where('ticket_id', '=', ticket.id).execute()).toHaveLength(1);
    // The window screen finds the ticket's record again after a reload.
    const byTicket = await ctx.app.inject({ method: 'GET', url: `/api/services/records?ticketId=${ticket.id}`, headers: { cookie: await signInAs(ctx.app, 'cadre01') } });
    expect(byTicket.json().items.map((r: { id: string }) => r.id)).toEqual([a.record.id]);
    // A ticket for another item, or one whose holder did not come (skipped), is not this record's.
    const another = await db.transaction().execute((trx) => issueTicket(trx, ctx.clock.now(), point, item.id, { userId: cadre.userId }));
    await expect(db.transaction().execute((trx) => createRecord(trx, ctx.clock, cadre, input(another.id, other.id, other.materials))))
      .rejects.toMatchObject({ details: { fields: [{ field: 'ticketId', reason: 'the ticket is for another item' }] } });
    await db.updateTable('service_tickets').set({ status: 'skipped', skipped_at: ctx.clock.now().toISOString() }).where('id', '=', another.id).execute();
    await expect(db.transaction().execute((trx) => createRecord(trx, ctx.clock, cadre, input(another.id))))
      .rejects.toMatchObject({ details: { fields: [{ field: 'ticketId', reason: 'the ticket was skipped' }] } });
  });

  it('a calendar change that moves a record\'s due time gives it a new version and leaves before, after and the reason in the change\'s audit entry', async () => {
    const db = ctx.handle.db;
    const admin = await actorOf(ctx, 'admin');
    const cadre = await actorOf(ctx, 'cadre01');
    const item = await db.selectFrom('service_item_versions').select(['item_id as id', 'materials']).where('promised_limit_days', '=', 3).where('version', '=', 1).executeTakeFirstOrThrow();
    const point = await pointByCode(ctx, 'YW008-CW01');
    ctx.clock.set('2026-09-08T02:00:00Z'); // Tuesday 10:00 in Shanghai
    const out = await db.transaction().execute((trx) => createRecord(trx, ctx.clock, cadre, { pointId: point.id, itemId: item.id, applicant: { name: '王芳', idNumber: ID, phone: null }, materials: allReceived(item.materials) }));
    expect(out.record).toMatchObject({ dueAt: '2026-09-11T09:30:00.000Z', version: 1 });
    const put = await ctx.app.inject({
      method: 'PUT', url: '/api/calendar/overrides', headers: { cookie: await signInAs(ctx.app, 'admin') },
      payload: { date: '2026-09-09', kind: 'holiday', note: '台风停工', subdistrictId: admin.subdistrictId },
    });
    expect(put.statusCode, put.body).toBe(200);
    const moved = { recordId: out.record.id, number: out.record.number, before: '2026-09-11T09:30:00.000Z', after: '2026-09-14T09:30:00.000Z' };
    expect(put.json().retimed.recordChanges).toContainEqual(moved);
    const row = await db.selectFrom('service_records').select(['due_at', 'version']).where('id', '=', out.record.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ version: 2 });
    expect(new Date(row.due_at).toISOString()).toBe(moved.after);
    // A window step that read the old due time is stale.
    await expect(db.transaction().execute((trx) => stepRecord(trx, ctx.clock, cadre, out.record.id, { version: 1, action: 'complete', delivery: 'on_site' }))).rejects.toMatchObject({ code: 'stale_version' });
    const entry = await db.selectFrom('audit_log').selectAll().where('action', '=', 'calendar.put').where('entity_id', '=', '2026-09-09').executeTakeFirstOrThrow();
    const after = JSON.parse(entry.after_json!);
    expect(after).toMatchObject({ kind: 'holiday', note: '台风停工', serviceRecordsRetimed: expect.arrayContaining([moved]) });
    ctx.clock.set('2026-05-26T02:30:00Z');
  });

  it('a closure longer than the first window of overrides read still pushes the due date past it', async () => {
    const db = ctx.handle.db;
    const hq = (await actorOf(ctx, 'operator')).subdistrictId!;
    const at = new Date().toISOString();
    const ids: string[] = [];
    let d = '2026-11-02';
    for (let i = 0; i < 60; i++, d = addDays(d, 1)) {
      const id = newId();
      ids.push(id);
      await db.insertInto('calendar_overrides').values({ id, subdistrict_id: hq, date: d, kind: 'holiday', note: '闭馆', created_by: null, created_at: at, updated_at: at }).execute();
    }
    try {
      // 3 working days after Friday 30 October: the closure runs 2 November – 31 December.
      const due = await dueAfterWorkingDays(db, new Date('2026-10-30T02:00:00Z'), 3, hq);
      expect(shanghaiDate(due) > '2026-12-31').toBe(true);
      expect(isWorkingDay(shanghaiDate(due), await loadOverrides(db, '2026-10-30', '2027-03-01', hq))).toBe(true);
    } finally {
      await db.deleteFrom('calendar_overrides').where('id', 'in', ids).execute();
    }
  });

  it('a 收受分离 record is decided at the window only once the back office has returned the file', async () => {
    const db = ctx.handle.db;
    const cadre = await actorOf(ctx, 'cadre01');
    const point = await pointByCode(ctx, 'YW008-CW01');
    const sep = await db.selectFrom('service_item_versions as v').innerJoin('service_point_items as pi', 'pi.item_id', 'v.item_id')
      .select(['v.item_id', 'v.materials']).where('v.mode', '=', 'separated').where('pi.point_id', '=', point.id).executeTakeFirstOrThrow();
    const r = await db.transaction().execute((trx) => createRecord(trx, ctx.clock, cadre, { pointId: point.id, itemId: sep.item_id, applicant: { name: '赵敏', idNumber: ID, phone: null }, materials: allReceived(sep.materials) }));
    const step = (version: number, action: 'hand_off' | 'return' | 'not_accept' | 'send_back', reason?: string) =>
      db.transaction().execute((trx) => stepRecord(trx, ctx.clock, cadre, r.record.id, { version, action, reason }));
    const handed = await step(1, 'hand_off');
    for (const action of ['not_accept', 'send_back'] as const) {
      await expect(step(handed.version, action, '材料不全')).rejects.toMatchObject({ code: 'transition_not_allowed', details: { action, status: 'handed_off' } });
    }
    const back = await step(handed.version, 'return');
    expect(await step(back.version, 'send_back', '材料不全')).toMatchObject({ status: 'sent_back', returnedAt: back.returnedAt });
  });

  it('a result sent by post is marked delivered once, when it arrives', async () => {
    const db = ctx.handle.db;
    const cadre = await signInAs(ctx.app, 'cadre01');
    const cadreActor = await actorOf(ctx, 'cadre01');
    const point = await pointByCode(ctx, 'YW008-CW01');
    const direct = await db.selectFrom('service_item_versions as v').innerJoin('service_point_items as pi', 'pi.item_id', 'v.item_id')
      .select(['v.item_id', 'v.materials']).where('v.mode', '=', 'direct').where('pi.point_id', '=', point.id).executeTakeFirstOrThrow();
    const make = () => db.transaction().execute((trx) => createRecord(trx, ctx.clock, cadreActor, { pointId: point.id, itemId: direct.item_id, applicant: { name: '赵敏', idNumber: ID, phone: null }, materials: allReceived(direct.materials) }));
    let cookie = cadre;
    const step = (id: string, payload: object) => ctx.app.inject({ method: 'POST', url: `/api/services/records/${id}/steps`, headers: { cookie }, payload });
    const posted = await make();
    const early = await step(posted.record.id, { version: 1, action: 'deliver' });
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe('transition_not_allowed');
    const done = (await step(posted.record.id, { version: 1, action: 'complete', delivery: 'post' })).json();
    expect(done).toMatchObject({ status: 'completed', delivery: 'post', deliveredAt: null });
    ctx.clock.set('2026-05-28T03:00:00Z');
    cookie = await signInAs(ctx.app, 'cadre01');
    const delivered = await step(posted.record.id, { version: done.version, action: 'deliver' });
    expect(delivered.statusCode, delivered.body).toBe(200);
    expect(delivered.json()).toMatchObject({ status: 'completed', deliveredAt: '2026-05-28T03:00:00.000Z', decidedAt: done.decidedAt, version: done.version + 1 });
    const again = await step(posted.record.id, { version: done.version + 1, action: 'deliver' });
    expect(again.statusCode).toBe(409);
    ctx.clock.set('2026-05-26T02:30:00Z');
    cookie = await signInAs(ctx.app, 'cadre01');
    // A result handed over at the window was delivered then.
    const onSite = await make();
    const handed = (await step(onSite.record.id, { version: 1, action: 'complete', delivery: 'on_site' })).json();
    expect((await step(onSite.record.id, { version: handed.version, action: 'deliver' })).statusCode).toBe(409);
  });
});

