import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import type { Clock } from '../domain/shared/clock.js';
import type { Poller, PollerLogger } from './poller.js';
import { missedCheckinsPoller } from './missed-checkins.js';
import { siteGradesPoller } from './site-grades.js';
import { caseDeadlinesPoller } from './case-deadlines.js';
import { dashboardRollupsPoller } from './dashboard-rollups.js';
import { enforcementReinspectionsPoller } from './enforcement-reinspections.js';
import { webhookDeliveryPoller } from './webhook-deliveries.js';

export interface JobDeps {
  db: Db;
  config: Config;
  clock: Clock;
  logger?: PollerLogger;
}

/** Every background job of `closeloop serve`. Add a job: create its poller here. */
export function createJobs(deps: JobDeps): Poller[] {
  return [caseDeadlinesPoller(deps), webhookDeliveryPoller(deps), missedCheckinsPoller(deps), siteGradesPoller(deps), enforcementReinspectionsPoller(deps), dashboardRollupsPoller(deps)];
}

/** Starts every job; the returned function stops them and waits for running rounds. */
export function startJobs(deps: JobDeps): () => Promise<void> {
  const jobs = createJobs(deps);
  for (const j of jobs) j.start();
  return async () => {
    await Promise.all(jobs.map((j) => j.destroy()));
  };
}
