import type { Db } from '../db/index.js';
import { acquireLease, type HeldLease, newHolderId, recordLeaseSuccess, releaseLease, roundMarkerName, takeOverLease, type UnderLease } from '../domain/jobs/lease.js';
import type { Clock } from '../domain/shared/clock.js';

export interface PollerLogger {
  error(obj: unknown, msg?: string): void;
  info?(obj: unknown, msg?: string): void;
}

export interface PollerOptions {
  name: string;
  intervalMs: number;
  clock: Clock;
  /**
   * Does one round of work; returns how many items it handled. State lives in the database.
   * With `lease`, it is given the lease it holds (writes under it use assertLease).
   */
  poll: (lease: HeldLease | null) => Promise<number>;
  logger?: PollerLogger;
  /**
   * One runner across instances: a round runs only while this process holds the job's lease
   * (taken or renewed at the start of each round, renewed while a long round runs) and the
   * job's round marker (held while the round runs). With `takeOver` (a one-off "run now" round)
   * the round takes the marker first and then the lease from whoever keeps it between rounds.
   */
  lease?: { db: Db; holder: string; ttlMs?: number; takeOver?: boolean };
}

/** What one round did: whether it ran (it may be skipped for another runner), its count and error. */
export interface RoundResult {
  ran: boolean;
  handled: number;
  error: string | null;
}

const processHolder = newHolderId();

/** The lease options of a job run by this process (tests give each simulated instance its own holder). */
export function leaseFor(deps: { db: Db; holder?: string; takeOver?: boolean }): { db: Db; holder: string; takeOver?: boolean } {
  return { db: deps.db, holder: deps.holder ?? processHolder, ...(deps.takeOver ? { takeOver: true } : {}) };
}

/**
 * A job run under its lease on this process: `work` is the domain function, given the lease it
 * holds (`{}` when the round runs unleased) so the writes it makes assert it.
 */
export function leasedPoller(
  deps: { db: Db; clock: Clock; logger?: PollerLogger; holder?: string; takeOver?: boolean },
  name: string,
  intervalMs: number,
  work: (opts: { lease?: UnderLease }) => Promise<number>,
): Poller {
  const poller: Poller = createPoller({
    name,
    intervalMs,
    clock: deps.clock,
    logger: deps.logger,
    lease: leaseFor(deps),
    poll: (held) => work(held ? { lease: { held, ttlMs: poller.leaseTtlMs! } } : {}),
  });
  return poller;
}

/** The lease outlives the interval between two rounds of its holder, plus this margin. */
export const LEASE_MARGIN_MS = 15_000;
/** How often a running round renews its lease. */
const LEASE_HEARTBEAT_MS = 5_000;
/**
 * A round marker's lease (and a one-off round's lease of its job): six heartbeats, so it outlives
 * a missed heartbeat or two yet lapses soon after its process dies (a killed `jobs run` or a
 * crashed instance does not block the job, or "run now", for the job's whole interval).
 */
export const ROUND_MARKER_TTL_MS = 30_000;

export interface Poller {
  readonly name: string;
  /** Starts polling every intervalMs (the first round right away). Idempotent. */
  start(): void;
  /**
   * One round now. If a round is already running, waits for it and returns 0 instead of
   * overlapping. Errors are logged and reported as 0; they never escape.
   */
  runOnce(): Promise<number>;
  /**
   * One round now for an operator ("run now"): waits for a round running here to finish, then
   * runs a new one (never overlapping it) and says whether it ran and how it ended.
   */
  runNow(): Promise<RoundResult>;
  /** Stops the timer and waits for a running round to finish. */
  destroy(): Promise<void>;
  readonly stats: { rounds: number; handled: number; errors: number; lastError: string | null; lastRunAt: Date | null; skipped: number };
  /** The lease ttl of a leased job (what assertLease should extend it by). */
  readonly leaseTtlMs: number | null;
}

const consoleLogger: PollerLogger = { error: (obj, msg) => console.error(`[jobs] ${msg ?? ''}`, obj) };

/**
 * A generic database-backed poller. Everything it must remember lives in rows (due-time
 * columns, outbox rows with next_attempt_at), so a restart loses nothing; claiming rows
 * atomically inside poll() is what keeps two processes from doing the same work twice.
 */
export function createPoller(opts: PollerOptions): Poller {
  const logger = opts.logger ?? consoleLogger;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const stats: Poller['stats'] = { rounds: 0, handled: 0, errors: 0, lastError: null, lastRunAt: null, skipped: 0 };
  const leaseTtlMs = opts.lease ? (opts.lease.ttlMs ?? (opts.lease.takeOver ? ROUND_MARKER_TTL_MS : opts.intervalMs + LEASE_MARGIN_MS)) : null;
  let held = false;

  const skip = (): RoundResult => {
    stats.skipped++;
    return { ran: false, handled: 0, error: null };
  };

  const round = async (): Promise<RoundResult> => {
    let heartbeat: NodeJS.Timeout | null = null;
    let marker: string | null = null;
    let ran = false;
    try {
      let lease: HeldLease | null = null;
      if (opts.lease) {
        const { db, holder, takeOver } = opts.lease;
        const ttl = leaseTtlMs!;
        const markerName = roundMarkerName(opts.name);
        if (takeOver) {
          // The marker first: free unless a round runs somewhere; then the lease, from whoever keeps it.
          if (!(await acquireLease(db, opts.clock, markerName, holder, ROUND_MARKER_TTL_MS))) return skip();
          marker = markerName;
          lease = await takeOverLease(db, opts.clock, opts.name, holder, ttl);
          held = true;
        } else {
          lease = await acquireLease(db, opts.clock, opts.name, holder, ttl);
          held = lease !== null;
          if (!lease) return skip();
          // Taken after the lease: a one-off round holding the marker takes the lease next, and this round yields to it.
          if (!(await acquireLease(db, opts.clock, markerName, holder, ROUND_MARKER_TTL_MS))) return skip();
          marker = markerName;
        }
        heartbeat = setInterval(() => {
          void acquireLease(db, opts.clock, opts.name, holder, ttl).catch(() => null);
          void acquireLease(db, opts.clock, markerName, holder, ROUND_MARKER_TTL_MS).catch(() => null);
        }, LEASE_HEARTBEAT_MS);
        heartbeat.unref?.();
      }
      ran = true;
      stats.rounds++;
      stats.lastRunAt = opts.clock.now();
      const n = await opts.poll(lease);
      stats.handled += n;
      if (lease && opts.lease) await recordLeaseSuccess(opts.lease.db, opts.clock, lease);
      return { ran: true, handled: n, error: null };
    } catch (err) {
      stats.errors++;
      stats.lastError = err instanceof Error ? err.message : String(err);
      logger.error({ err, job: opts.name }, `job ${opts.name} failed; will retry next round`);
      return { ran, handled: 0, error: stats.lastError };
    } finally {
      if (heartbeat) clearInterval(heartbeat);
      // The job's lease stays with its holder between rounds; the marker says no round runs now.
      if (marker && opts.lease) await releaseLease(opts.lease.db, marker, opts.lease.holder).catch(() => undefined);
    }
  };

  let running: Promise<RoundResult> | null = null;
  /** Runs a round once no round of this poller runs, so two never overlap in this process. */
  const exclusive = async (): Promise<RoundResult> => {
    while (running) await running;
    // Stopped while it waited: a round now would take the lease back after destroy() released it.
    if (stopped) return { ran: false, handled: 0, error: null };
    const current = round();
    running = current;
    try {
      return await current;
    } finally {
      if (running === current) running = null;
    }
  };

  const runOnce = async (): Promise<number> => {
    if (running) {
      await running;
      return 0;
    }
    return (await exclusive()).handled;
  };

  let started = false;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = null;
      void runOnce().then(schedule);
    }, opts.intervalMs);
    timer.unref?.();
  };

  return {
    name: opts.name,
    stats,
    leaseTtlMs,
    start() {
      if (started || stopped) return;
      started = true;
      void runOnce().then(schedule);
    },
    runOnce,
    runNow: exclusive,
    async destroy() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      while (running) await running.catch(() => 0);
      // Hand the job over at once instead of letting the lease run out.
      if (opts.lease && held) await releaseLease(opts.lease.db, opts.name, opts.lease.holder).catch(() => undefined);
    },
  };
}
