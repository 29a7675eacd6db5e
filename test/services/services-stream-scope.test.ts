import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueWalkIn } from '../../src/domain/service-queue/tickets.js';
import { type TestContext, signInAs } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { actorOf, itemByName, pointByCode, servicesLiveServer } from './helpers.js';

/** The window screen's stream tells a window clerk of the subdistrict only of the points whose staff list names them. */
for (const dialect of DIALECTS) {
  describe(`the services stream of a window clerk [${dialect}]`, () => {
    let server: Awaited<ReturnType<typeof servicesLiveServer>>;
    let ctx: TestContext;
    const open = async (who: string) => server.open(await signInAs(ctx.app, who), '/api/services/stream');

    beforeAll(async () => {
      server = await servicesLiveServer(dialect);
      ctx = server.ctx;
    }, 60_000);
    afterAll(async () => server?.close());

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
