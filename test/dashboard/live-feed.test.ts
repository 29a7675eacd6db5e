import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/auth/actor.js';
import { foldPendingEvents, type FeedEvent } from '../../src/domain/dashboard/fold-events.js';
import { DashboardHub } from '../../src/domain/dashboard/hub.js';
import { type LiveFeed, startLiveFeed } from '../../src/server/live-feed.js';
import { caseFixture, type CaseFixture } from '../cases/fixtures.js';
import { DIALECTS } from '../helpers/db.js';


/** A viewer on one "instance": what its hub delivered to it, in order. */
function viewer(hub: DashboardHub, actor: Actor) {
  const got: FeedEvent[] = [];
  const waiters: (() => void)[] = [];
  hub.subscribe({ actor, deliver: (evs) => { got.push(...evs); for (const w of waiters.splice(0)) w(); }, close: () => {} });
  return {
    got,
    async until(pred: () => boolean, ms = 5000) {
      const deadline = Date.now() + ms;
      while (!pred()) {
        if (Date.now() > deadline) throw new Error(`not delivered within ${ms} ms (have ${got.length})`);
        await new Promise<void>((r) => { waiters.push(r); setTimeout(r, 50); });
      }
    },
  };
}

describe.runIf(DIALECTS.includes('postgres'))('cross-instance live feed over LISTEN/NOTIFY [postgres]', () => {
  let f: CaseFixture;
  const hubs = [new DashboardHub(), new DashboardHub()];
  let feeds: LiveFeed[] = [];
  let committeeB: string;

  beforeAll(async () => {
    f = await caseFixture('postgres');
    const db = f.ctx.handle.db;
    while ((await foldPendingEvents(db, f.ctx.clock)).length);
    committeeB = (await db.selectFrom('committees').select('id').where('subdistrict_id', '=', f.hq).where('code', '=', '002').executeTakeFirstOrThrow()).id;
    feeds = hubs.map((hub) => startLiveFeed({ url: f.ctx.handle.url!, schema: f.ctx.handle.schema, db, hub, maxBackoffMs: 200 }));
    await Promise.all(feeds.map((x) => x.ready));
  });
  afterAll(async () => {
    for (const x of feeds) await x.stop();
    await f.ctx.close();
  });

  const reportInB = async () => {
    const site = await f.ctx.handle.db.selectFrom('sites').select(['id', 'lng', 'lat']).where('committee_id', '=', committeeB).where('kind', '=', 'bin_room').executeTakeFirstOrThrow();
    return f.report(f.actors.operator, { siteId: site.id, lng: Number(site.lng), lat: Number(site.lat) });
  };

  it('a fold committed anywhere reaches the viewers of every instance, each within its scope, once and in order', async () => {
    const ops = hubs.map((h) => viewer(h, f.actors.operator));
    const cadres = hubs.map((h) => viewer(h, f.actors.cadre01));
    const inA = await f.report(f.actors.patrol1);
    const inB = await reportInB();
    const markA = await f.report(f.actors.patrol1);
    // The fold publishes nothing itself here: only the NOTIFY at its commit carries it.
    await foldPendingEvents(f.ctx.handle.db, f.ctx.clock);
    for (const v of [...ops, ...cadres]) await v.until(() => v.got.some((e) => e.caseId === markA.id));
    for (const v of ops) expect(v.got.map((e) => e.caseId)).toEqual([inA.id, inB.id, markA.id]);
    for (const v of cadres) expect(v.got.map((e) => e.caseId)).toEqual([inA.id, markA.id]);
    // The folding instance also publishes in-process: the hub shows each event once.
    hubs[0]!.publish([{ subdistrictId: f.hq, events: ops[0]!.got.slice() }]);
    expect(ops[0]!.got).toHaveLength(3);
  });

  it('a dropped connection loses nothing: after reconnecting, what was folded meanwhile is delivered', async () => {
    const op = viewer(hubs[1]!, f.actors.operator);
    const before = feeds[1]!.reconnects;
    feeds[1]!.dropConnection();
    // Folded while instance 2 is not listening: its NOTIFY goes nowhere.
    const missed = [await f.report(f.actors.patrol1), await reportInB()];
    await foldPendingEvents(f.ctx.handle.db, f.ctx.clock);
    await op.until(() => op.got.length >= 2);
    expect(feeds[1]!.reconnects).toBeGreaterThan(before);
    expect(op.got.map((e) => e.caseId)).toEqual(missed.map((c) => c.id));
    // And it keeps listening afterwards.
    const after = await f.report(f.actors.patrol1);
    await foldPendingEvents(f.ctx.handle.db, f.ctx.clock);
    await op.until(() => op.got.some((e) => e.caseId === after.id));
    expect(op.got.map((e) => e.caseId)).toEqual([...missed.map((c) => c.id), after.id]);
  });
});
