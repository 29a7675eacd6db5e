import type { Config } from '../config.js';
import type { Db } from '../db/index.js';
import type { Clock } from '../domain/shared/clock.js';
import { leaseFor, type Poller, type PollerLogger } from './poller.js';
import { INTERVAL_MS as MISSED_CHECKINS_INTERVAL_MS, missedCheckinsPoller } from './missed-checkins.js';
import { INTERVAL_MS as SITE_GRADES_INTERVAL_MS, siteGradesPoller } from './site-grades.js';
import { CASE_DEADLINES_INTERVAL_MS, caseDeadlinesPoller } from './case-deadlines.js';
import { DASHBOARD_ROLLUP_INTERVAL_MS, dashboardRollupsPoller } from './dashboard-rollups.js';
import { INTERVAL_MS as ENFORCEMENT_INTERVAL_MS, enforcementReinspectionsPoller } from './enforcement-reinspections.js';
import { DEFAULT_INTERVAL_MS as WEBHOOK_INTERVAL_MS, webhookDeliveryPoller } from './webhook-deliveries.js';
import { jobLagSeconds } from '../domain/jobs/lag.js';
import { OPEN311_WEBHOOKS_INTERVAL_MS, open311WebhookPoller } from './open311-webhooks.js';
import { INTERVAL_MS as RETENTION_INTERVAL_MS, retentionPoller } from './retention.js';
import { INTERVAL_MS as PARTITIONS_INTERVAL_MS, partitionsPoller } from './partitions.js';
import { INTERVAL_MS as NEW_REPORTS_INTERVAL_MS, newReportsPoller } from './new-reports.js';
import { INTERVAL_MS as TERMINAL_HEALTH_INTERVAL_MS, terminalHealthPoller } from './terminal-health.js';
import { INTERVAL_MS as SERVICE_NO_SHOWS_INTERVAL_MS, serviceNoShowsPoller } from './service-no-shows.js';
import { INTERVAL_MS as SERVICE_OVERDUE_INTERVAL_MS, serviceOverduePoller } from './service-overdue.js';
import { INTERVAL_MS as RATING_RANKING_NOTICES_INTERVAL_MS, ratingRankingNoticesPoller } from './rating-ranking-notices.js';
import { INTERVAL_MS as UNATTACHED_PHOTOS_INTERVAL_MS, unattachedPhotosPoller } from './unattached-photos.js';

/** Each job's polling interval (job lag counts beyond it). */
export const JOB_INTERVALS_MS: Record<string, number> = {
  'case-deadlines': CASE_DEADLINES_INTERVAL_MS,
  'webhook-deliveries': WEBHOOK_INTERVAL_MS,
  'open311-webhooks': OPEN311_WEBHOOKS_INTERVAL_MS,
  'missed-checkins': MISSED_CHECKINS_INTERVAL_MS,
  'site-grades': SITE_GRADES_INTERVAL_MS,
  'enforcement-reinspections': ENFORCEMENT_INTERVAL_MS,
  'dashboard-rollups': DASHBOARD_ROLLUP_INTERVAL_MS,
  retention: RETENTION_INTERVAL_MS,
  partitions: PARTITIONS_INTERVAL_MS,
  'new-reports': NEW_REPORTS_INTERVAL_MS,
  'terminal-health': TERMINAL_HEALTH_INTERVAL_MS,
  'service-no-shows': SERVICE_NO_SHOWS_INTERVAL_MS,
  'service-overdue': SERVICE_OVERDUE_INTERVAL_MS,
  'rating-ranking-notices': RATING_RANKING_NOTICES_INTERVAL_MS,
  'unattached-photos': UNATTACHED_PHOTOS_INTERVAL_MS,
};

/** Seconds each job is behind (oldest due item not processed), for a metrics gauge per job. */
export function jobLag(db: Db, clock: Clock): Promise<Record<string, number>> {
  return jobLagSeconds(db, clock, JOB_INTERVALS_MS);
}

export interface JobDeps {
  db: Db;
  config: Config;
  clock: Clock;
  logger?: PollerLogger;
  /** Lease holder id of this instance (default: one per process). */
  holder?: string;
  /** A one-off round ("run now"): takes a job's lease from an instance that keeps it between rounds. */
  takeOver?: boolean;
}

/** Every background job of `closeloop serve`. Add a job: create its poller here. */
export function createJobs(deps: JobDeps): Poller[] {
  return [caseDeadlinesPoller(deps), webhookDeliveryPoller(deps), open311WebhookPoller(deps), missedCheckinsPoller(deps), siteGradesPoller(deps), enforcementReinspectionsPoller(deps), dashboardRollupsPoller(deps), retentionPoller(deps), partitionsPoller(deps), newReportsPoller(deps), terminalHealthPoller(deps), serviceNoShowsPoller(deps), serviceOverduePoller(deps), ratingRankingNoticesPoller(deps), unattachedPhotosPoller(deps)];
}

/**
 * The jobs started in this process, by database and lease holder: "run now" in a serving process
 * runs the round on the instance's own poller (same holder, never beside its own round).
 */
const started = new WeakMap<Db, Map<string, Poller[]>>();

/** The started poller of job `name` in this process for this database and holder, if any. */
export function startedJob(deps: Pick<JobDeps, 'db' | 'holder'>, name: string): Poller | undefined {
  return started.get(deps.db)?.get(leaseFor(deps).holder)?.find((j) => j.name === name);
}

/** Starts every job; the returned function stops them and waits for running rounds (`.jobs` lists them for /metrics). */
export function startJobs(deps: JobDeps): (() => Promise<void>) & { jobs: Poller[] } {
  const jobs = createJobs(deps);
  const holder = leaseFor(deps).holder;
  let byHolder = started.get(deps.db);
  if (!byHolder) started.set(deps.db, (byHolder = new Map()));
  byHolder.set(holder, jobs);
  for (const j of jobs) j.start();
  const stop = async () => {
    if (byHolder.get(holder) === jobs) byHolder.delete(holder);
    await Promise.all(jobs.map((j) => j.destroy()));
  };
  return Object.assign(stop, { jobs });
}
