import net from 'node:net';
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

/**
 * A TCP proxy to PostgreSQL that can fail the way a NAT or load balancer that forgot a connection
 * does: `blackhole()` stops forwarding on the connections open now while keeping their sockets
 * open (no FIN, no RST: neither end learns anything), new connections are forwarded as before.
 * `hold()` parks new connections until `release()` (a reconnect that is slow to get through).
 */
async function tcpProxy(target: { host: string; port: number }) {
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket | null }>();
  let holding = false;
  const held: net.Socket[] = [];
  const forward = (client: net.Socket) => {
    const upstream = net.connect(target.port, target.host);
    const pair = { client, upstream };
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const s of [client, upstream]) {
      s.on('error', end);
      s.on('close', end);
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
  };
  const server = net.createServer({ pauseOnConnect: true }, (client) => {
    client.on('error', () => client.destroy());
    if (holding) held.push(client);
    else forward(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    /** Connections forwarded and still open (both ends). */
    get open() {
      return [...pairs].filter((p) => !p.client.destroyed).length;
    },
    get held() {
      return held.length;
    },
    blackhole() {
      for (const { client, upstream } of pairs) {
        client.unpipe();
        upstream?.unpipe();
        client.pause();
        upstream?.pause();
      }
    },
    hold() {
      holding = true;
    },
    release() {
      holding = false;
      for (const c of held.splice(0)) if (!c.destroyed) forward(c);
    },
    async close() {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream?.destroy();
      }
      for (const c of held) c.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Waits for a condition with a deadline, re-checking every few milliseconds. */
async function until(what: string, pred: () => boolean, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
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

  /** PostgreSQL's address, and a proxy to it with the feed's URL through it (same database and credentials). */
  const proxied = async () => {
    const direct = new URL(f.ctx.handle.url!);
    const proxy = await tcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    const url = new URL(f.ctx.handle.url!);
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    return { proxy, url: url.toString() };
  };

  it('a connection whose path silently stops carrying packets is noticed by its ping and replaced: notices flow again, with catch-up', async () => {
    const { proxy, url } = await proxied();
    const hub = new DashboardHub();
    const feed = startLiveFeed({ url, schema: f.ctx.handle.schema, db: f.ctx.handle.db, hub, maxBackoffMs: 200, pingMs: 200, pingTimeoutMs: 500 });
    try {
      await feed.ready;
      const op = viewer(hub, f.actors.operator);
      const heard = await f.report(f.actors.patrol1);
      await foldPendingEvents(f.ctx.handle.db, f.ctx.clock);
      await op.until(() => op.got.some((e) => e.caseId === heard.id));
      expect(feed.reconnects).toBe(0);

      proxy.blackhole();
      // Folded (and NOTIFYed straight to PostgreSQL) while the feed's socket leads nowhere.
      const during = await f.report(f.actors.patrol1);
      await foldPendingEvents(f.ctx.handle.db, f.ctx.clock);
      await op.until(() => op.got.some((e) => e.caseId === during.id), 10_000);
      expect(feed.reconnects).toBeGreaterThanOrEqual(1);
      expect(op.got.map((e) => e.caseId)).toEqual([heard.id, during.id]);
    } finally {
      await feed.stop();
      await proxy.close();
    }
  });

  it('stop() during a reconnect attempt closes the connection that attempt opens', async () => {
    const { proxy, url } = await proxied();
    const feed = startLiveFeed({ url, schema: f.ctx.handle.schema, db: f.ctx.handle.db, hub: new DashboardHub(), maxBackoffMs: 200 });
    try {
      await feed.ready;
      expect(proxy.open).toBe(1);
      proxy.hold();
      feed.dropConnection();
      await until('the reconnect attempt reaches the proxy', () => proxy.held === 1);
      const stopping = feed.stop();
      proxy.release();
      await stopping;
      await until('the attempt\'s connection is closed', () => proxy.open === 0);
    } finally {
      await feed.stop();
      await proxy.close();
    }
  });
});
