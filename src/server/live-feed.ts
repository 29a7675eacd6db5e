import pg from 'pg';
import type { Db } from '../db/index.js';
import { FEED_CHANNEL_PREFIX, foldedEventsBetween } from '../domain/dashboard/fold-events.js';
import type { DashboardHub } from '../domain/dashboard/hub.js';
import { SERVICES_CHANNEL_PREFIX, parseServiceChange } from '../domain/dashboard/service-changes.js';

export interface LiveFeedOptions {
  url: string;
  /** PostgreSQL schema of the app's tables (default public). */
  schema?: string;
  db: Db;
  hub: DashboardHub;
  log?: { warn(obj: unknown, msg?: string): void };
  /** Longest wait between reconnect attempts. */
  maxBackoffMs?: number;
}

export interface LiveFeed {
  /** Resolves once listening (and caught up) for the first time. */
  ready: Promise<void>;
  /** Drops the connection as if the network failed (tests); the feed reconnects and catches up. */
  dropConnection(): void;
  readonly reconnects: number;
  stop(): Promise<void>;
}

interface Notice {
  s: string;
  f: number;
  t: number;
}

/**
 * Cross-instance live stream on PostgreSQL: every instance LISTENs for the folded-batch ranges
 * the rollup job NOTIFYs at commit (whichever instance runs it), reads those events and hands
 * them to its own hub, which delivers each viewer what its scope allows. Delivery resumes from
 * what this instance last delivered per subdistrict, so a batch arriving twice is shown once
 * and, after a dropped connection, a catch-up against the rollup cursors delivers what was
 * folded meanwhile: nothing is lost. (SQLite is single-process: the job publishes directly.)
 *
 * Front-office changes (records, tickets, appointments, ratings, terminals) travel the same
 * connection on a second channel, NOTIFYed by the change's own transaction at commit
 * (src/domain/dashboard/service-changes.ts); after a reconnect every front-office viewer re-reads,
 * since what changed meanwhile is not kept.
 */
export function startLiveFeed(o: LiveFeedOptions): LiveFeed {
  const channel = `${FEED_CHANNEL_PREFIX}${o.schema ?? 'public'}`;
  const servicesChannel = `${SERVICES_CHANNEL_PREFIX}${o.schema ?? 'public'}`;
  let client: pg.Client | null = null;
  let stopped = false;
  let reconnects = 0;
  let initialized = false;
  let backoff = 250;
  let queue: Promise<void> = Promise.resolve();
  let resolveReady!: () => void;
  const ready = new Promise<void>((r) => (resolveReady = r));

  /** Delivers a subdistrict's folded events after what this instance delivered, up to `upTo`. */
  const deliverUpTo = async (sub: string, upTo: number, fromHint: number) => {
    const after = o.hub.deliveredSeq(sub) ?? fromHint;
    if (upTo <= after) return;
    const events = await foldedEventsBetween(o.db, sub, after, upTo);
    o.hub.publish([{ subdistrictId: sub, events }]);
  };

  /** After (re)connecting: whatever was folded while we were not listening. */
  const catchUp = async () => {
    const first = !initialized;
    if (!first) o.hub.resyncServices();
    const cursors = await o.db.selectFrom('rollup_cursors').select(['subdistrict_id', 'seq']).execute();
    for (const c of cursors) {
      // On start-up we deliver only what is folded from now on.
      if (first && o.hub.deliveredSeq(c.subdistrict_id) === undefined) o.hub.markDelivered(c.subdistrict_id, Number(c.seq));
      else await deliverUpTo(c.subdistrict_id, Number(c.seq), Number(c.seq));
    }
  };

  const enqueue = (work: () => Promise<void>) => {
    queue = queue.then(work).catch((err) => o.log?.warn({ err }, 'live feed: delivering a folded batch failed'));
  };

  const connect = async (): Promise<void> => {
    if (stopped) return;
    const c = new pg.Client({ connectionString: o.url, ...(o.schema ? { options: `-c search_path=${o.schema}` } : {}) });
    c.on('notification', (msg) => {
      if (msg.channel === servicesChannel && msg.payload) {
        const change = parseServiceChange(msg.payload);
        // Through the queue: a reconnect's resync is never overtaken by an older notice.
        if (change) enqueue(async () => o.hub.announceServices([change]));
        return;
      }
      if (msg.channel !== channel || !msg.payload) return;
      let n: Notice;
      try {
        n = JSON.parse(msg.payload) as Notice;
      } catch {
        return;
      }
      enqueue(() => deliverUpTo(n.s, n.t, n.f));
    });
    const lost = () => {
      if (client !== c) return;
      client = null;
      c.removeAllListeners('error');
      c.on('error', () => {});
      void c.end().catch(() => {});
      if (stopped) return;
      reconnects++;
      setTimeout(() => void connect(), backoff).unref?.();
      backoff = Math.min(backoff * 2, o.maxBackoffMs ?? 5000);
    };
    c.on('error', lost);
    c.on('end', lost);
    try {
      await c.connect();
      await c.query(`LISTEN "${channel}"`);
      await c.query(`LISTEN "${servicesChannel}"`);
      client = c;
      backoff = 250;
      // Listening first, then catching up: a batch committed in between is seen by both, and
      // delivered once.
      await new Promise<void>((resolve) => enqueue(async () => {
        await catchUp();
        resolve();
      }));
      if (!initialized) {
        initialized = true;
        resolveReady();
      }
    } catch (err) {
      o.log?.warn({ err }, 'live feed: cannot listen; retrying');
      client = c;
      lost();
    }
  };
  void connect();

  return {
    ready,
    get reconnects() {
      return reconnects;
    },
    dropConnection() {
      // What a broken network looks like to the client: the socket goes away.
      (client as unknown as { connection?: { stream?: { destroy(): void } } } | null)?.connection?.stream?.destroy();
    },
    async stop() {
      stopped = true;
      const c = client;
      client = null;
      if (c) await c.end().catch(() => {});
      await queue;
    },
  };
}
