import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubFor } from '../../src/domain/dashboard/hub.js';
import { issueWalkIn } from '../../src/domain/service-queue/tickets.js';
import { type LiveFeed, startLiveFeed } from '../../src/server/live-feed.js';
import { type TestContext, signInAs } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { type SseStream, openDashboardStream } from '../helpers/sse.js';
import { actorOf, itemByName, pointByCode, servicesContext } from './helpers.js';

/** The window screen's stream tells a window clerk of the subdistrict only of the points whose staff list names them. */
for (const dialect of DIALECTS) {
  describe(`the services stream of a window clerk [${dialect}]`, () => {
    let ctx: TestContext;
    let port: number;
    let feed: LiveFeed | null = null;
    const streams: SseStream[] = [];
    const open = async (who: string) => {
      const s = await openDashboardStream(`http://127.0.0.1:${port}`, await signInAs(ctx.app, who), {}, '/api/services/stream');
      streams.push(s);
      return s;
    };

    beforeAll(async () => {
      ctx = await servicesContext(dialect);
      await ctx.app.listen({ port: 0, host: '127.0.0.1' });
      port = (ctx.app.server.address() as AddressInfo).port;
      if (dialect === 'postgres') {
        feed = startLiveFeed({ url: ctx.handle.url!, schema: ctx.handle.schema, db: ctx.handle.db, hub: hubFor(ctx.handle.db), maxBackoffMs: 200 });
        await feed.ready;
      }
    }, 60_000);
    afterAll(async () => {
      for (const s of streams) s.close();
      await feed?.stop();
      await ctx?.close();
    });

    it("hears of its own point's tickets, not of the centre's; the desk hears of both", async () => {
      const centre = await pointByCode(ctx, 'YW008-CTR');
      const building = await pointByCode(ctx, 'YW008-BW1');
      const itemId = (await itemByName(ctx, '居住证签注')).id;
      const [win2, op] = [await open('window2'), await open('operator')];
      const walkIn = async (who: string, pointId: string) => {
        const actor = await actorOf(ctx, who);
        await ctx.handle.db.transaction().execute((trx) => issueWalkIn(trx, ctx.clock, actor, { pointId, itemId }));
      };
      await walkIn('operator', centre.id);
      await op.waitFor((e) => e.event === 'change' && e.data.pointId === centre.id);
      await walkIn('window2', building.id);
      expect((await win2.waitFor((e) => e.event === 'change')).data).toEqual({ pointId: building.id, kind: 'ticket' });
      await op.waitFor((e) => e.event === 'change' && e.data.pointId === building.id);
      expect(win2.events.filter((e) => e.event === 'change').map((e) => e.data.pointId)).toEqual([building.id]);
    });
  });
}
