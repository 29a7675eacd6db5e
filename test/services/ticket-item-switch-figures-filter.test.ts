import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/db.js';
import { type TestContext, signInAs } from '../helpers/app.js';
import { cadreWindow, offeredItemWithPrefix, postAs, servicesContext, windowRecordBody } from './helpers.js';

/**
 * The waiting figures asked for one item (`itemId`) count a ticket switched at the window as the
 * unfiltered figures do: its ticket, wait and skip under the item it was taken for, its service
 * under the item served — so the figures of item A alone are A's row of the figures of all items,
 * and asking for B neither shows a row of A nor counts A's queue in the point's row.
 */
describe.each(DIALECTS)('waiting figures of one item with a switched ticket (%s)', (kind) => {
  let ctx: TestContext;
  let point: Awaited<ReturnType<typeof cadreWindow>>['point'];
  let itemA: string;
  let itemB: string;
  let post: ReturnType<typeof postAs>;

  beforeAll(async () => {
    ctx = await servicesContext(kind);
    ({ point, itemA, post } = await cadreWindow(ctx));
    itemB = await offeredItemWithPrefix(ctx, point.id, 'B');
  }, 60_000);
  afterAll(async () => ctx?.close());


  it('item A alone counts the ticket switched away from A; item B alone counts only its service', async () => {
    ctx.clock.set('2026-05-26T02:30:00Z');
    const t = (await post('/api/services/queue/tickets', { pointId: point.id, itemId: itemA })).json();
    ctx.clock.set('2026-05-26T02:34:00Z');
    expect((await post('/api/services/queue/call-next', { pointId: point.id })).json().ticket.id).toBe(t.id);
    expect((await post(`/api/services/queue/tickets/${t.id}/switch-item`, { itemId: itemB })).statusCode).toBe(200);
    expect((await post(`/api/services/queue/tickets/${t.id}/start`)).statusCode).toBe(200);
    const rec = await post('/api/services/records', windowRecordBody(point.id, itemB, t.id));
    expect(rec.statusCode).toBe(201);
    ctx.clock.set('2026-05-26T02:44:00Z');
    expect((await post(`/api/services/queue/tickets/${t.id}/finish`, { recordId: rec.json().record.id })).statusCode).toBe(200);

    const operator = await signInAs(ctx.app, 'operator');
    const figures = async (itemId?: string) =>
      (await ctx.app.inject({ url: `/api/services/reports/waiting-times?from=2026-05-26&to=2026-05-26&pointId=${point.id}${itemId ? `&itemId=${itemId}` : ''}`, headers: { cookie: operator } })).json();
    const all = await figures();
    const allA = all.byItem.find((r: { itemId: string }) => r.itemId === itemA);
    const allB = all.byItem.find((r: { itemId: string }) => r.itemId === itemB);
    expect(allA).toMatchObject({ tickets: 1, called: 1, waitMedianS: 240, served: 0 });
    expect(allB).toMatchObject({ tickets: 0, called: 0, served: 1, serviceMedianS: 600 });

    const onlyA = await figures(itemA);
    expect(onlyA.byItem).toEqual([allA]);
    expect(onlyA.byPoint).toEqual([{ ...allA, itemId: null }]);
    const onlyB = await figures(itemB);
    expect(onlyB.byItem).toEqual([allB]);
    expect(onlyB.byPoint).toEqual([{ ...allB, itemId: null }]);
  });
});
