import { detectMissedCheckins } from '../domain/checkins/missed.js';
import type { JobDeps } from './index.js';
import { createPoller } from './poller.js';

const INTERVAL_MS = 60_000;

/** Records missed bin-room check-ins once each disposal window has ended (cursor in the database). */
export function missedCheckinsPoller(deps: JobDeps) {
  return createPoller({
    name: 'missed-checkins',
    intervalMs: INTERVAL_MS,
    clock: deps.clock,
    logger: deps.logger,
    poll: () => detectMissedCheckins(deps.db, deps.clock),
  });
}
