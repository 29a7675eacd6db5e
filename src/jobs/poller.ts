import type { Clock } from '../domain/shared/clock.js';

export interface PollerLogger {
  error(obj: unknown, msg?: string): void;
  info?(obj: unknown, msg?: string): void;
}

export interface PollerOptions {
  name: string;
  intervalMs: number;
  clock: Clock;
  /** Does one round of work; returns how many items it handled. State lives in the database. */
  poll: () => Promise<number>;
  logger?: PollerLogger;
}

export interface Poller {
  readonly name: string;
  /** Starts polling every intervalMs (the first round right away). Idempotent. */
  start(): void;
  /**
   * One round now. If a round is already running, waits for it and returns 0 instead of
   * overlapping. Errors are logged and reported as 0; they never escape.
   */
  runOnce(): Promise<number>;
  /** Stops the timer and waits for a running round to finish. */
  destroy(): Promise<void>;
  readonly stats: { rounds: number; handled: number; errors: number; lastError: string | null; lastRunAt: Date | null };
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
  let running: Promise<number> | null = null;
  let stopped = false;
  const stats: Poller['stats'] = { rounds: 0, handled: 0, errors: 0, lastError: null, lastRunAt: null };

  const round = async (): Promise<number> => {
    stats.rounds++;
    stats.lastRunAt = opts.clock.now();
    try {
      const n = await opts.poll();
      stats.handled += n;
      return n;
    } catch (err) {
      stats.errors++;
      stats.lastError = err instanceof Error ? err.message : String(err);
      logger.error({ err, job: opts.name }, `job ${opts.name} failed; will retry next round`);
      return 0;
    }
  };

  const runOnce = async (): Promise<number> => {
    if (running) {
      await running;
      return 0;
    }
    running = round();
    try {
      return await running;
    } finally {
      running = null;
    }
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
    start() {
      if (started || stopped) return;
      started = true;
      void runOnce().then(schedule);
    },
    runOnce,
    async destroy() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      if (running) await running.catch(() => 0);
    },
  };
}
