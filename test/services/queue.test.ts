import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/auth/actor.js';
import { callNext, issueTicket, issueWalkIn, stepTicket, ticketNumber } from '../../src/domain/service-queue/tickets.js';
import { createRecord } from '../../src/domain/service-records/records.js';
import { newId } from '../../src/domain/shared/ids.js';
import { withCheckDigit } from '../../src/domain/service-records/masking.js';
import { DIALECTS } from '../helpers/db.js';
import { type TestContext, signInAs } from '../helpers/app.js';
import { actorOf, itemByName, pointByCode, servicesContext } from './helpers.js';

describe.each(DIALECTS)('queue tickets (%s)', (kind) => {
  let ctx: TestContext;
  let point: Awaited<ReturnType<typeof pointByCode>>;
  let itemA: string; // 户籍居住 → A
  let itemB: string; // 住房保障 → B
  let cadre: Actor;
  let operator: Actor;

  beforeAll(async () => {
    ctx = await servicesContext(kind);
    point = await pointByCode(ctx, 'YW008-CW01');
    itemA = (await itemByName(ctx, '居住证签注')).id;
    const b = await ctx.handle.db
      .selectFrom('service_items').innerJoin('service_categories as c', 'c.id', 'service_items.category_id').select('service_items.id').where('c.ticket_prefix', '=', 'B').orderBy('service_items.sort_order').executeTakeFirstOrThrow();
    itemB = b.id;
    cadre = await actorOf(ctx, 'cadre01');
    operator = await actorOf(ctx, 'operator');
  }, 60_000);
  afterAll(async () => ctx?.close());

  const clearQueue = async () => {
    const db = ctx.handle.db;
    await db.updateTable('service_appointments').set({ ticket_id: null }).where('point_id', '=', point.id).execute();
    await db.deleteFrom('service_tickets').where('point_id', '=', point.id).execute();
    await db.deleteFrom('service_ticket_counters').where('point_id', '=', point.id).execute();
    await db.deleteFrom('service_appointments').where('point_id', '=', point.id).execute();
  };

  it('walk-in tickets: prefix by category, numbered per point and day in order; every instant recorded', async () => {
    await clearQueue();
    const cookie = await signInAs(ctx.app, 'cadre01');
    const issue = (itemId: string) => ctx.app.inject({ method: 'POST', url: '/api/services/queue/tickets', headers: { cookie }, payload: { pointId: point.id, itemId } });
    const t1 = (await issue(itemA)).json();
    const t2 = (await issue(itemB)).json();
    const t3 = await issue(itemA);
    expect(t3.statusCode).toBe(201);
    expect([t1.number, t2.number, t3.json().number]).toEqual(['A001', 'B001', 'A002']);
    expect([t1.seq, t2.seq, t3.json().seq]).toEqual([1, 2, 3]);
    expect(t1).toMatchObject({ status: 'waiting', source: 'walk_in', issuedAt: '2026-05-26T02:30:00.000Z' });
    // Field errors and scope.
    const bad = await ctx.app.inject({ method: 'POST', url: '/api/services/queue/tickets', headers: { cookie }, payload: { pointId: point.id } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields[0].field).toBe('itemId');
    const other = await signInAs(ctx.app, 'cadre02');
    expect((await ctx.app.inject({ method: 'POST', url: '/api/services/queue/tickets', headers: { cookie: other }, payload: { pointId: point.id, itemId: itemA } })).statusCode).toBe(404);
    // Call, start, finish with the record; skip a no-show.
    ctx.clock.set('2026-05-26T02:34:00Z');
    const called = await ctx.app.inject({ method: 'POST', url: '/api/services/queue/call-next', headers: { cookie }, payload: { pointId: point.id, window: '1号窗口' } });
    expect(called.json().ticket).toMatchObject({ id: t1.id, status: 'called', calledAt: '2026-05-26T02:34:00.000Z', window: '1号窗口' });
    ctx.clock.set('2026-05-26T02:35:00Z');
    expect((await ctx.app.inject({ method: 'POST', url: `/api/services/queue/tickets/${t1.id}/finish`, headers: { cookie }, payload: {} })).statusCode).toBe(409);
    const started = await ctx.app.inject({ method: 'POST', url: `/api/services/queue/tickets/${t1.id}/start`, headers: { cookie } });
    expect(started.json()).toMatchObject({ status: 'serving', startedAt: '2026-05-26T02:35:00.000Z' });
    const rec = await ctx.app.inject({
      method: 'POST', url: '/api/services/records', headers: { cookie },
      payload: { pointId: point.id, itemId: itemA, applicant: { name: '孙杰', idNumber: withCheckDigit('31010519850312002'), phone: null }, materials: [], ticketId: t1.id },
    });
    expect(rec.statusCode).toBe(201);
    ctx.clock.set('2026-05-26T02:41:00Z');
    const other2 = await ctx.app.inject({ method: 'POST', url: `/api/services/queue/tickets/${t1.id}/finish`, headers: { cookie }, payload: { recordId: 'nope' } });
    expect(other2.json().error.details.fields[0]).toMatchObject({ field: 'recordId', reason: 'no such record at this point' });
    const finished = await ctx.app.inject({ method: 'POST', url: `/api/services/queue/tickets/${t1.id}/finish`, headers: { cookie }, payload: { recordId: rec.json().record.id } });
    expect(finished.json()).toMatchObject({ status: 'done', finishedAt: '2026-05-26T02:41:00.000Z', recordId: rec.json().record.id });
    const next = (await ctx.app.inject({ method: 'POST', url: '/api/services/queue/call-next', headers: { cookie }, payload: { pointId: point.id, prefixes: ['A'] } })).json().ticket;
    expect(next.number).toBe('A002');
    const skipped = await ctx.app.inject({ method: 'POST', url: `/api/services/queue/tickets/${next.id}/skip`, headers: { cookie } });
    expect(skipped.json()).toMatchObject({ status: 'skipped', skippedAt: '2026-05-26T02:41:00.000Z' });
    const list = (await ctx.app.inject({ url: `/api/services/queue/tickets?pointId=${point.id}`, headers: { cookie } })).json();
    expect(list.waiting.map((t: { number: string }) => t.number)).toEqual(['B001']);
    expect(list.others.map((t: { number: string; status: string }) => `${t.number} ${t.status}`)).toEqual(['A001 done', 'A002 skipped']);
    // Nobody else waits for A: null, not an error.
    expect((await ctx.app.inject({ method: 'POST', url: '/api/services/queue/call-next', headers: { cookie }, payload: { pointId: point.id, prefixes: ['A'] } })).json()).toEqual({ ticket: null });

    // 过号重呼: the holder of A002 comes back; the window calls it again. Only a skipped ticket, only
    // by the point's staff, only the same day; the first call's instant stays (the wait is to it).
    const recall = (id: string, c = cookie, payload: object = {}) => ctx.app.inject({ method: 'POST', url: `/api/services/queue/tickets/${id}/recall`, headers: { cookie: c }, payload });
    expect((await recall(t1.id)).json().error.code).toBe('transition_not_allowed');
    expect((await recall(next.id, other)).statusCode).toBe(404);
    expect((await recall(next.id, cookie, { window: '' })).json().error.details.fields[0].field).toBe('window');
    ctx.clock.set('2026-05-26T02:45:00Z');
    const recalled = await recall(next.id, cookie, { window: '2号窗口' });
    expect(recalled.statusCode).toBe(200);
    expect(recalled.json()).toMatchObject({ status: 'called', calledAt: next.calledAt, recalledAt: '2026-05-26T02:45:00.000Z', skippedAt: '2026-05-26T02:41:00.000Z', window: '2号窗口' });
    expect((await recall(next.id)).statusCode).toBe(409);
    expect((await ctx.app.inject({ method: 'POST', url: `/api/services/queue/tickets/${next.id}/start`, headers: { cookie } })).json()).toMatchObject({ status: 'serving' });
    // A ticket skipped one day is not recalled the next: the holder takes a new one.
    const b1 = (await ctx.app.inject({ method: 'POST', url: '/api/services/queue/call-next', headers: { cookie }, payload: { pointId: point.id } })).json().ticket;
    expect(b1.number).toBe('B001');
    expect((await ctx.app.inject({ method: 'POST', url: `/api/services/queue/tickets/${b1.id}/skip`, headers: { cookie } })).statusCode).toBe(200);
    ctx.clock.set('2026-05-27T01:00:00Z');
    const late = await recall(b1.id, await signInAs(ctx.app, 'cadre01'));
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('transition_not_allowed');
    ctx.clock.set('2026-05-26T02:30:00Z');
  });

  it('calls follow the order rule and never call a ticket twice, with two windows calling at once (property)', async () => {
    const db = ctx.handle.db;
    const now = new Date('2026-05-26T02:30:00Z'); // 10:30 Shanghai
    // A ticket: a walk-in, or an appointment checked in with a slot some minutes from now (negative: begun).
    const ticketArb = fc.oneof(fc.constant(null), fc.integer({ min: -90, max: 90 }).map((m) => m * 60_000));
    await fc.assert(
      fc.asyncProperty(fc.array(ticketArb, { minLength: 1, maxLength: 14 }), fc.integer({ min: 0, max: 3 }), async (specs, extraCalls) => {
        await clearQueue();
        ctx.clock.set(now);
        const issued = [];
        for (const offset of specs) {
          let by: { userId: string; appointmentId?: string; slotStartAt?: string } = { userId: cadre.userId };
          if (offset !== null) {
            const slotStartAt = new Date(now.getTime() + offset).toISOString();
            const id = newId();
            await db.insertInto('service_appointments').values({
              id, code: id, token_hash: id, subdistrict_id: point.subdistrict_id, committee_id: point.committee_id, point_id: point.id, item_id: itemA,
              day: '2026-05-26', starts: '09:00', ends: '11:30', slot_start_at: slotStartAt, name: '测试', phone: '13900000000', status: 'checked_in',
              booked_at: now.toISOString(), cancelled_at: null, checked_in_at: now.toISOString(), checked_in_by: cadre.userId, no_show_at: null, ticket_id: null,
            }).execute();
            by = { ...by, appointmentId: id, slotStartAt };
          }
          issued.push(await db.transaction().execute((trx) => issueTicket(trx, ctx.clock.now(), point, itemA, by)));
          ctx.clock.set(new Date(ctx.clock.now().getTime() + 1000));
        }
        const callAt = ctx.clock.now();
        // The documented rule, written out independently: begun appointments by slot then issue, then the rest by issue.
        const begun = issued.filter((t) => t.slot_start_at !== null && t.slot_start_at <= callAt.toISOString());
        const expected = [
          ...begun.sort((a, b) => a.slot_start_at!.localeCompare(b.slot_start_at!) || a.seq - b.seq),
          ...issued.filter((t) => !begun.includes(t)).sort((a, b) => a.seq - b.seq),
        ].map((t) => t.id);
        const got: string[] = [];
        const rounds = Math.ceil(issued.length / 2) + extraCalls;
        for (let r = 0; r < rounds; r++) {
          const pair = await Promise.all([cadre, operator].map((a) => db.transaction().execute((trx) => callNext(trx, ctx.clock, a, { pointId: point.id }))));
          const ids = pair.flatMap((t) => (t ? [t.id] : []));
          // The two windows took the next two of the rule, in either order.
          expect([...ids].sort()).toEqual(expected.slice(got.length, got.length + ids.length).sort());
          got.push(...ids);
        }
        expect(got).toHaveLength(issued.length);
        expect(new Set(got).size).toBe(got.length);
        const rows = await db.selectFrom('service_tickets').select(['status', 'called_at']).where('point_id', '=', point.id).execute();
        expect(rows.every((r) => r.status === 'called' && r.called_at === callAt.toISOString())).toBe(true);
      }),
      { numRuns: 15, seed: Number(process.env.FC_SEED ?? 2011) },
    );
    ctx.clock.set('2026-05-26T02:30:00Z');
  });

  it('a checked-in appointment whose slot has begun goes before earlier walk-ins; before its slot it queues in order', async () => {
    await clearQueue();
    const cookie = await signInAs(ctx.app, 'cadre01');
    const walk = (await ctx.app.inject({ method: 'POST', url: '/api/services/queue/tickets', headers: { cookie }, payload: { pointId: point.id, itemId: itemB } })).json();
    const booked = await ctx.app.inject({ method: 'POST', url: '/api/public/appointments', payload: { pointId: point.id, itemId: itemA, day: '2026-05-26', starts: '13:30', name: '周敏', phone: '13955556666' } });
    const appt = (await ctx.app.inject({ url: `/api/services/appointments?code=${booked.json().appointment.code}`, headers: { cookie } })).json().items[0];
    ctx.clock.set('2026-05-26T05:20:00Z'); // 13:20, ten minutes early
    const checked = (await ctx.app.inject({ method: 'POST', url: `/api/services/appointments/${appt.id}/check-in`, headers: { cookie } })).json();
    const walk2 = (await ctx.app.inject({ method: 'POST', url: '/api/services/queue/tickets', headers: { cookie }, payload: { pointId: point.id, itemId: itemB } })).json();
    const order = async () => (await ctx.app.inject({ url: `/api/services/queue/tickets?pointId=${point.id}`, headers: { cookie } })).json().waiting.map((t: { id: string }) => t.id);
    expect(await order()).toEqual([walk.id, checked.ticket.id, walk2.id]);
    ctx.clock.set('2026-05-26T05:30:00Z'); // 13:30: the slot begins
    expect(await order()).toEqual([checked.ticket.id, walk.id, walk2.id]);
    const call = (await ctx.app.inject({ method: 'POST', url: '/api/services/queue/call-next', headers: { cookie }, payload: { pointId: point.id } })).json();
    expect(call.ticket).toMatchObject({ id: checked.ticket.id, source: 'appointment' });
    ctx.clock.set('2026-05-26T02:30:00Z');
  });

  it('one record closes one ticket: a second ticket finishing with it is refused, even when both finish at once', async () => {
    await clearQueue();
    const db = ctx.handle.db;
    const served = async () => {
      const t = await db.transaction().execute((trx) => issueWalkIn(trx, ctx.clock, cadre, { pointId: point.id, itemId: itemA }));
      const c = await db.transaction().execute((trx) => callNext(trx, ctx.clock, cadre, { pointId: point.id }));
      expect(c?.id).toBe(t.id);
      await db.transaction().execute((trx) => stepTicket(trx, ctx.clock, cadre, t.id, 'start'));
      return t;
    };
    const newRecord = async () => (await db.transaction().execute((trx) =>
      createRecord(trx, ctx.clock, cadre, { pointId: point.id, itemId: itemA, applicant: { name: '吴娟', idNumber: withCheckDigit('31010519900101005') }, materials: [] }))).record.id;
    const finish = (id: string, recordId: string) => db.transaction().execute((trx) => stepTicket(trx, ctx.clock, cadre, id, 'finish', { recordId }));
    const naming = async (recordId: string) => (await db.selectFrom('service_tickets').select('id').where('record_id', '=', recordId).execute()).map((r) => r.id);
    // What two finishes at once leave behind without the record's guard: one ticket names the record,
    // the record names no ticket yet. The second ticket is refused by the unique index.
    const [t1, t2] = [await served(), await served()];
    const rec = await newRecord();
    await db.updateTable('service_tickets').set({ record_id: rec }).where('id', '=', t1.id).execute();
    await expect(finish(t2.id, rec)).rejects.toMatchObject({ code: 'conflict', details: { fields: [{ field: 'recordId' }] } });
    expect(await naming(rec)).toEqual([t1.id]);
    await db.updateTable('service_tickets').set({ record_id: null }).where('id', '=', t1.id).execute();
    // One after the other.
    expect((await finish(t1.id, rec)).recordId).toBe(rec);
    await expect(finish(t2.id, rec)).rejects.toMatchObject({ details: { fields: [{ field: 'recordId' }] } });
    expect(await naming(rec)).toEqual([t1.id]);
    // A ticket whose record was made naming it cannot be finished with another record (400, not 500).
    const t5 = await served();
    await db.transaction().execute((trx) =>
      createRecord(trx, ctx.clock, cadre, { pointId: point.id, itemId: itemA, applicant: { name: '吴娟', idNumber: withCheckDigit('31010519900101005') }, materials: [], ticketId: t5.id }));
    await expect(finish(t5.id, await newRecord())).rejects.toMatchObject({ code: 'validation_failed', details: { fields: [{ field: 'recordId', reason: 'the ticket already has its record' }] } });
    if (kind !== 'postgres') return;
    // At once (PostgreSQL: the second waits on the record's row, then finds it taken).
    const [t3, t4] = [await served(), await served()];
    const rec2 = await newRecord();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let firstIn!: () => void;
    const entered = new Promise<void>((r) => (firstIn = r));
    const first = db.transaction().execute(async (trx) => {
      const out = await stepTicket(trx, ctx.clock, cadre, t3.id, 'finish', { recordId: rec2 });
      firstIn();
      await gate;
      return out;
    });
    await entered;
    const second = finish(t4.id, rec2);
    await new Promise((r) => setTimeout(r, 200));
    release();
    const [a, b] = await Promise.allSettled([first, second]);
    expect(a.status).toBe('fulfilled');
    expect(b).toMatchObject({ status: 'rejected', reason: { code: 'conflict' } });
    expect(await naming(rec2)).toEqual([t3.id]);
    expect((await db.selectFrom('service_records').select('ticket_id').where('id', '=', rec2).executeTakeFirstOrThrow()).ticket_id).toBe(t3.id);
  });
});

describe('ticket numbers', () => {
  it('a prefix ending in a digit or a dash is set apart, so no two prefixes\' numbers meet', () => {
    expect(ticketNumber('A', 7)).toBe('A007');
    expect(ticketNumber('A', 1001)).toBe('A1001');
    expect(ticketNumber('A1', 1)).toBe('A1-001');
    expect(ticketNumber('1', 1)).toBe('1-001');
    expect(ticketNumber('1-', 1)).toBe('1--001');
    const seen = new Map<string, string>();
    for (const prefix of ['A', 'A1', 'AB', '1', '1-', '-', '-1', 'A-'])
      for (let n = 1; n <= 1200; n++) {
        const number = ticketNumber(prefix, n);
        expect(seen.get(number) ?? `${prefix}${n}`).toBe(`${prefix}${n}`);
        seen.set(number, `${prefix}${n}`);
      }
  });
});
