import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/db.js';
import { signInAs } from '../helpers/app.js';
import { cadreWindowContext, offeredItemWithPrefix, windowRecordBody } from './helpers.js';

/**
 * The waiting figures asked for one item (`itemId`) count a ticket switched at the window as the
 * unfiltered figures do: its ticket, wait and skip under the item it was taken for, its service
 * under the item served — so the figures of item A alone are A's row of the figures of all items,
 * and asking for B neither shows a row of A nor counts A's queue in the point's row.
 */
describe.each(DIALECTS)('waiting figures of one item with a switched ticket (%s)', (kind) => {
  let w: Awaited<ReturnType<typeof cadreWindowContext>>;
  let itemB: string;

  beforeAll(async () => {
    w = await cadreWindowContext(kind);
    itemB = await offeredItemWithPrefix(w.ctx, w.point.id, 'B');
  }, 60_000);
  afterAll(async () => w?.ctx.close());


  it('item A alone counts the ticket switched away from A; item B alone counts only its service', async () => {
    w.ctx.clock.set('2026-05-26T02:30:00Z');
    const t = (await w.post('/api/services/queue/tickets', { pointId: w.point.id, itemId: w.itemA })).json();
    w.ctx.clock.set('2026-05-26T02:34:00Z');
    expect((await w.post('/api/services/queue/call-next', { pointId: w.point.id })).json().ticket.id).toBe(t.id);
    expect((await w.post(`/api/services/queue/tickets/${t.id}/switch-item`, { itemId: itemB })).statusCode).toBe(200);
    expect((await w.post(`/api/services/queue/tickets/${t.id}/start`)).statusCode).toBe(200);
    const rec = await w.post('/api/services/records', windowRecordBody(w.point.id, itemB, t.id));
    expect(rec.statusCode).toBe(201);
    w.ctx.clock.set('2026-05-26T02:44:00Z');
    expect((await w.post(`/api/services/queue/tickets/${t.id}/finish`, { recordId: rec.json().record.id })).statusCode).toBe(200);

    const operator = await signInAs(w.ctx.app, 'operator');
    const figures = async (itemId?: string) =>
      (await w.ctx.app.inject({ url: `/api/services/reports/waiting-times?from=2026-05-26&to=2026-05-26&pointId=${w.point.id}${itemId ? `&itemId=${itemId}` : ''}`, headers: { cookie: operator } })).json();
    const all = await figures();
    const allA = all.byItem.find((r: { itemId: string }) => r.itemId === w.itemA);
    const allB = all.byItem.find((r: { itemId: string }) => r.itemId === itemB);
    expect(allA).toMatchObject({ tickets: 1, called: 1, waitMedianS: 240, served: 0 });
    expect(allB).toMatchObject({ tickets: 0, called: 0, served: 1, serviceMedianS: 600 });

    const onlyA = await figures(w.itemA);
    expect(onlyA.byItem).toEqual([allA]);
    expect(onlyA.byPoint).toEqual([{ ...allA, itemId: null }]);
    const onlyB = await figures(itemB);
    expect(onlyB.byItem).toEqual([allB]);
    expect(onlyB.byPoint).toEqual([{ ...allB, itemId: null }]);
  });
});
