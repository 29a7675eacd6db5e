import { detectSilentTerminals } from '../domain/service-terminals/health.js';
import type { JobDeps } from './index.js';
import { createPoller, leaseFor } from './poller.js';

export const INTERVAL_MS = 60_000;

/** Opens a maintenance case for every self-service terminal silent past TERMINAL_SILENCE_MINUTES (once per outage). */
export function terminalHealthPoller(deps: JobDeps) {
  const poller = createPoller({
    name: 'terminal-health',
    intervalMs: INTERVAL_MS,
    clock: deps.clock,
    logger: deps.logger,
    lease: leaseFor(deps),
    poll: (held) =>
      detectSilentTerminals(deps.db, deps.clock, { silenceMs: deps.config.terminals.silenceMs, ...(held ? { lease: { held, ttlMs: poller.leaseTtlMs! } } : {}) }),
  });
  return poller;
}
