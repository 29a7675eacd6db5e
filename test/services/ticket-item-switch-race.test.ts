import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/auth/actor.js';
import { switchTicketItem } from '../../src/domain/service-queue/switch-item.js';
import { withCheckDigit } from '../../src/domain/service-records/masking.js';
import { createRecord } from '../../src/domain/service-records/records.js';
import { DIALECTS } from '../helpers/db.js';
import { type TestContext, signInAs } from '../helpers/app.js';
import { actorOf, itemByName, pointByCode, servicesContext } from './helpers.js';

/**
 * Two windows at once on one ticket: one makes its record (for the item it is taken for), the
 * other switches its item. Whichever writes first, the other must not leave a record of one item
 * on a ticket of another (the figures would count the service under an item never served). On
 * PostgreSQL (read committed) both pass their checks unless they wait for each other; SQLite runs
 * one writer at a time, so only PostgreSQL has the race.
 */
describe.each(DIALECTS.filter((k) => k === 'postgres'))('a ticket\'s item switched while its record is made at another window (%s)', (kind) => {
  let ctx: TestContext;
  let point: Awaited<ReturnType<typeof pointByCode>>;
  let itemA: string;
  let itemB: string;
  let cookie: string;
  let actor: Actor;

  beforeAll(async () => {
    ctx = await servicesContext(kind);
    point = await pointByCode(ctx, 'YW008-CW01');
    itemA = (await itemByName(ctx, '居住证签注')).id;
    itemB = (await ctx.handle.db
      .selectFrom('service_items').innerJoin('service_categories as c', 'c.id', 'service_items.category_id').innerJoin('service_point_items as pi', 'pi.item_id', 'service_items.id')
      .select('service_items.id').where('c.ticket_prefix', '=', 'B').where('pi.point_id', '=', point.id).orderBy('service_items.sort_order').executeTakeFirstOrThrow()).id;
    cookie = await signInAs(ctx.app, 'cadre01');
    actor = await actorOf(ctx, 'cadre01');
  }, 60_000);
  afterAll(async () => ctx?.close());

  const post = (url: string, payload?: Record<string, unknown>) => ctx.app.inject({ method: 'POST', url, headers: { cookie }, ...(payload === undefined ? {} : { payload }) });
  const calledTicket = async () => {
    const t = (await post('/api/services/queue/tickets', { pointId: point.id, itemId: itemA })).json();
    expect((await post('/api/services/queue/call-next', { pointId: point.id })).json().ticket.id).toBe(t.id);
    return t.id as string;
  };
  const recordInput = (ticketId: string, itemId: string) => ({
    pointId: point.id, itemId, ticketId, appointmentId: null, applicant: { name: '孙杰', idNumber: withCheckDigit('31010519850312002'), phone: null }, materials: [],
  });
  /** Settles `p`, or finds a statement on the ticket waiting for a lock (the other transaction still open). */
  const settledOrWaiting = async (p: Promise<unknown>) => {
    let settled = false;
    void p.then(() => (settled = true), () => (settled = true));
    for (let i = 0; i < 2000 && !settled; i++) {
      const { rows } = await sql<{ n: string }>`select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query ilike '%service_tickets%'`.execute(ctx.handle.db);
      if (Number(rows[0]!.n) > 0) return;
    }
  };
  const outcome = (p: Promise<unknown>) => p.then(() => null, (e: { details?: { fields?: unknown[] } }) => e.details?.fields?.[0] ?? e);

  it('the record first: the switch waits for it and is refused', async () => {
    ctx.clock.set('2026-05-26T02:30:00Z');
    const ticketId = await calledTicket();
    const first = await ctx.handle.db.startTransaction().execute();
    await createRecord(first, ctx.clock, actor, recordInput(ticketId, itemA));
    const second = ctx.handle.db.transaction().execute((trx) => switchTicketItem(trx, ctx.clock, actor, ticketId, { itemId: itemB }));
    await settledOrWaiting(second);
    await first.commit().execute();
    expect(await outcome(second)).toMatchObject({ field: 'itemId', reason: 'the ticket already has its record' });
    const [ticket, record] = await Promise.all([
      ctx.handle.db.selectFrom('service_tickets').select('item_id').where('id', '=', ticketId).executeTakeFirstOrThrow(),
      ctx.handle.db.selectFrom('service_records').select('item_id').where('ticket_id', '=', ticketId).executeTakeFirstOrThrow(),
    ]);
    expect([ticket.item_id, record.item_id]).toEqual([itemA, itemA]);
  });

  it('the switch first: the record waits for it and is refused for the item no longer the ticket\'s', async () => {
    ctx.clock.set('2026-05-26T02:40:00Z');
    const ticketId = await calledTicket();
    const first = await ctx.handle.db.startTransaction().execute();
    await switchTicketItem(first, ctx.clock, actor, ticketId, { itemId: itemB });
    const second = ctx.handle.db.transaction().execute((trx) => createRecord(trx, ctx.clock, actor, recordInput(ticketId, itemA)));
    await settledOrWaiting(second);
    await first.commit().execute();
    expect(await outcome(second)).toMatchObject({ field: 'ticketId', reason: 'the ticket is for another item' });
    expect(await ctx.handle.db.selectFrom('service_records').select('id').where('ticket_id', '=', ticketId).execute()).toEqual([]);
    expect((await ctx.handle.db.selectFrom('service_tickets').select('item_id').where('id', '=', ticketId).executeTakeFirstOrThrow()).item_id).toBe(itemB);
  });
});
