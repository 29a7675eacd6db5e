import { markNoShows } from '../domain/service-queue/no-shows.js';
import type { JobDeps } from './index.js';
import { leasedPoller } from './poller.js';

export const INTERVAL_MS = 60_000;

/** Marks appointments nobody checked in for as no-show once the grace after their slot has passed. */
export function serviceNoShowsPoller(deps: JobDeps) {
  return leasedPoller(deps, 'service-no-shows', INTERVAL_MS, (o) => markNoShows(deps.db, deps.clock, o));
}
