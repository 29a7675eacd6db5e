import { detectMissedCheckins } from '../domain/checkins/missed.js';
import type { JobDeps } from './index.js';
import { leasedPoller } from './poller.js';

export const INTERVAL_MS = 60_000;

/** Records missed bin-room check-ins once each disposal window has ended (cursor in the database). */
export function missedCheckinsPoller(deps: JobDeps) {
  return leasedPoller(deps, 'missed-checkins', INTERVAL_MS, (o) => detectMissedCheckins(deps.db, deps.clock, o));
}
