import type { Lifecycle } from './deps.js';
import type { App } from './route.js';

export interface ShutdownOptions {
  app: App;
  lifecycle: Lifecycle;
  /** How long /readyz fails before the server stops accepting (the load balancer's probe interval). */
  drainMs: number;
  /** The whole shutdown must end within this; past it the process exits with code 1. */
  timeoutMs: number;
  /** Stops background jobs at a safe point (after their current round). */
  stopJobs: () => Promise<void>;
  /** Releases the database (and anything else) last. */
  release: () => Promise<void>;
  log: (msg: string) => void;
  exit?: (code: number) => void;
}

/** Seconds a client is told to wait before retrying a request refused during shutdown. */
export const SHUTDOWN_RETRY_AFTER_S = 1;

/**
 * The graceful stop a load balancer understands:
 * 1. /readyz fails at once (draining), while every request is still served;
 * 2. after the drain delay the listener closes: idle keep-alive connections are closed, requests
 *    already running finish, and a request arriving on a kept-alive connection gets a clean 503
 *    with Retry-After and `Connection: close` (see `lifecycleHooks`);
 * 3. jobs stop after their current round, the database is released, the process exits;
 * a hard timeout ends it regardless.
 */
export function gracefulShutdown(o: ShutdownOptions): () => Promise<void> {
  let started: Promise<void> | null = null;
  const exit = o.exit ?? ((code: number) => process.exit(code));
  return () => {
    started ??= (async () => {
      const hard = setTimeout(() => {
        o.log(`shutdown did not finish within ${o.timeoutMs} ms; exiting`);
        exit(1);
      }, o.timeoutMs);
      hard.unref();
      o.lifecycle.draining = true;
      o.log(`draining: /readyz fails, stopping in ${o.drainMs} ms`);
      if (o.drainMs > 0) await new Promise((r) => setTimeout(r, o.drainMs));
      o.lifecycle.closing = true;
      try {
        await o.app.close();
        await o.stopJobs();
        await o.release();
        o.log('stopped');
        clearTimeout(hard);
        exit(0);
      } catch (err) {
        o.log(`shutdown failed: ${(err as Error).message}`);
        exit(1);
      }
    })();
    return started;
  };
}

/** Hooks that make a closing server refuse cleanly and tell clients not to keep the connection. */
export function lifecycleHooks(app: App, lifecycle: Lifecycle): void {
  app.addHook('onRequest', async (_req, reply) => {
    if (!lifecycle.closing) return;
    return reply
      .status(503)
      .header('retry-after', String(SHUTDOWN_RETRY_AFTER_S))
      .header('connection', 'close')
      .send({ error: { code: 'shutting_down', message: 'This instance is shutting down; retry', details: null } });
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    if (lifecycle.draining) reply.header('connection', 'close');
    return payload;
  });
}
