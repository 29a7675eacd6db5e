import { detectSilentTerminals } from '../domain/service-terminals/health.js';
import type { JobDeps } from './index.js';
import { leasedPoller } from './poller.js';

export const INTERVAL_MS = 60_000;

/** Opens a maintenance case for every self-service terminal silent past TERMINAL_SILENCE_MINUTES (once per outage). */
export function terminalHealthPoller(deps: JobDeps) {
  return leasedPoller(deps, 'terminal-health', INTERVAL_MS, (o) => detectSilentTerminals(deps.db, deps.clock, { silenceMs: deps.config.terminals.silenceMs, ...o }));
}
