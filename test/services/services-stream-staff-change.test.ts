import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueWalkIn } from '../../src/domain/service-queue/tickets.js';
import { type TestContext, signInAs } from '../helpers/app.js';
import { DIALECTS } from '../helpers/db.js';
import { actorOf, itemByName, pointByCode, servicesLiveServer } from './helpers.js';

/**
 * A window clerk's open stream follows the point's staff list as it is now: put on a point's
 * staff, the clerk hears of that point from the next change on; taken off, no more — without
 * reconnecting.
 */
for (const dialect of DIALECTS) {
  describe(`the services stream follows staff changes [${dialect}]`, () => {
    let server: Awaited<ReturnType<typeof servicesLiveServer>>;
    let ctx: TestContext;

    beforeAll(async () => {
      server = await servicesLiveServer(dialect);
      ctx = server.ctx;
    }, 60_000);
    afterAll(async () => server?.close());

    it('a clerk added to a point hears of it, and one taken off stops hearing, on the same stream', async () => {
      const db = ctx.handle.db;
      const centre = await pointByCode(ctx, 'YW008-CTR');
      const building = await pointByCode(ctx, 'YW008-BW1');
      const itemId = (await itemByName(ctx, '居住证签注')).id;
      const clerk = await actorOf(ctx, 'window2');
      const desk = await actorOf(ctx, 'operator');
      const walkIn = (pointId: string) => db.transaction().execute((trx) => issueWalkIn(trx, ctx.clock, desk, { pointId, itemId }));
      const win2 = await server.open(await signInAs(ctx.app, 'window2'), '/api/services/stream');
      const changes = () => win2.events.filter((e) => e.event === 'change').map((e) => e.data.pointId as string);

      // Not yet on the centre's staff: a centre ticket, then one of the clerk's own point (the marker).
      await walkIn(centre.id);
      await walkIn(building.id);
      await win2.waitFor((e) => e.event === 'change' && e.data.pointId === building.id);
      expect(changes()).toEqual([building.id]);

      // Put on the centre's staff while the stream is open.
      await db.insertInto('service_point_staff').values({ point_id: centre.id, user_id: clerk.userId }).execute();
      await walkIn(centre.id);
      await win2.waitFor((e) => e.event === 'change' && e.data.pointId === centre.id);
      expect(changes()).toEqual([building.id, centre.id]);

      // Taken off the building's staff: its tickets are no longer told (the centre's, after them, are).
      await db.deleteFrom('service_point_staff').where('point_id', '=', building.id).where('user_id', '=', clerk.userId).execute();
      await walkIn(building.id);
      await walkIn(centre.id);
      await win2.waitFor((e) => e.event === 'change' && changes().length === 3);
      expect(changes()).toEqual([building.id, centre.id, centre.id]);
    });
  });
}
