import pg from 'pg';
import type { Db } from '../db/index.js';
import { FEED_CHANNEL_PREFIX, foldedEventsBetween } from '../domain/dashboard/fold-events.js';
import type { DashboardHub } from '../domain/dashboard/hub.js';
import { SERVICES_CHANNEL_PREFIX, parseServiceChange } from '../domain/dashboard/service-changes.js';
import { AUTH_CHANNEL_PREFIX, sessionsChangedElsewhere } from '../domain/auth/session-cache.js';

export interface LiveFeedOptions {
  url: string;
  /** PostgreSQL schema of the app's tables (default public). */
  schema?: string;
  db: Db;
  hub: DashboardHub;
  log?: { warn(obj: unknown, msg?: string): void };
  /** Longest wait between reconnect attempts. */
  maxBackoffMs?: number;
  /** How often the idle LISTEN connection is probed with `SELECT 1` (default PING_MS). */
  pingMs?: number;
  /** A probe not answered within this long counts the connection lost (default PING_TIMEOUT_MS). */
  pingTimeoutMs?: number;
}

/**
 * A LISTEN-only connection never writes, so a path that silently drops packets (a NAT or load
 * balancer idle timeout, a partition) would go unnoticed forever: no error, no end, no reconnect.
 * TCP keepalive probes the socket from the kernel; an application ping proves the server answers.
 */
export const PING_MS = 10_000;
export const PING_TIMEOUT_MS = 5_000;
const KEEPALIVE_INITIAL_DELAY_MS = 10_000;
/** A (re)connect through a path that swallows packets must fail too, or it would wait for ever. */
const CONNECT_TIMEOUT_MS = 10_000;

/** What a broken network looks like to the client: the socket goes away. */
function destroySocket(c: pg.Client) {
  (c as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}

/** Ends a client politely, or drops its socket when the server does not answer in time (a dead path would never). */
async function endWithin(c: pg.Client, ms: number) {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      destroySocket(c);
      resolve();
    }, ms);
  });
  await Promise.race([c.end().catch(() => {}), late]);
  clearTimeout(timer);
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
  const authChannel = `${AUTH_CHANNEL_PREFIX}${o.schema ?? 'public'}`;
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
    const c = new pg.Client({
      connectionString: o.url,
      keepAlive: true,
      keepAliveInitialDelayMillis: KEEPALIVE_INITIAL_DELAY_MS,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      // Bounds the LISTENs and the pings alike: a statement unanswered this long fails.
      query_timeout: o.pingTimeoutMs ?? PING_TIMEOUT_MS,
      ...(o.schema ? { options: `-c search_path=${o.schema}` } : {}),
    });
    let ping: NodeJS.Timeout | null = null;
    c.on('notification', (msg) => {
      if (msg.channel === authChannel) {
        sessionsChangedElsewhere();
        return;
      }
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
      if (ping) clearInterval(ping);
      ping = null;
      if (client !== c) return;
      client = null;
      c.removeAllListeners('error');
      c.on('error', () => {});
      void c.end().catch(() => {});
      if (stopped) return;
      reconnects++;
      setTimeout(() => (attempt = connect()), backoff).unref?.();
      backoff = Math.min(backoff * 2, o.maxBackoffMs ?? 5000);
    };
    c.on('error', lost);
    c.on('end', lost);
    /** One `SELECT 1`: unanswered within query_timeout, the socket is destroyed and the usual reconnect and catch-up run. */
    let probing = false;
    const probe = async () => {
      if (client !== c || probing) return;
      probing = true;
      try {
        await c.query('SELECT 1');
      } catch (err) {
        if (client === c) {
          o.log?.warn({ err }, 'live feed: the LISTEN connection did not answer a ping; reconnecting');
          destroySocket(c);
          // A socket whose peer vanished may never report its end: do not wait for it.
          lost();
        }
      } finally {
        probing = false;
      }
    };
    try {
      await c.connect();
      await c.query(`LISTEN "${channel}"`);
      await c.query(`LISTEN "${servicesChannel}"`);
      await c.query(`LISTEN "${authChannel}"`);
      // Whatever changed while this instance was not listening is unknown: no cached session is kept.
      sessionsChangedElsewhere();
      if (stopped) {
        // stop() ran while this attempt was connecting: it saw no client to close.
        c.removeAllListeners('error');
        c.on('error', () => {});
        await endWithin(c, o.pingTimeoutMs ?? PING_TIMEOUT_MS);
        return;
      }
      client = c;
      backoff = 250;
      ping = setInterval(() => void probe(), o.pingMs ?? PING_MS);
      ping.unref?.();
      // Listening first, then catching up: a batch committed in between is seen by both, and
      // delivered once.
      await new Promise<void>((resolve) => enqueue(async () => {
        try {
          await catchUp();
        } finally {
          resolve();
        }
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
  let attempt = connect();

  return {
    ready,
    get reconnects() {
      return reconnects;
    },
    dropConnection() {
      if (client) destroySocket(client);
    },
    async stop() {
      stopped = true;
      const c = client;
      client = null;
      if (c) await endWithin(c, o.pingTimeoutMs ?? PING_TIMEOUT_MS);
      // An attempt under way closes its own connection once it sees `stopped`.
      await attempt;
      await queue;
    },
  };
}
