import type { Actor } from '../auth/actor.js';
import { assertCan, can } from '../auth/permissions.js';
import { DomainError } from '../shared/errors.js';

/*
 * Running a background job by hand (the console's 后台任务, POST /api/jobs/{name}/run). A round of
 * every job works through all subdistricts at once — deadlines, deliveries, rollups, retention,
 * partitions, no-shows, rankings: none takes a subdistrict — so starting one acts on every other
 * subdistrict's cases, bookings and records. Least privilege: only a district-level administrator
 * (no home subdistrict) starts one, as for the service catalogue and global calendar overrides.
 * A job that one day works on a single subdistrict would take that subdistrict and be checked
 * with assertOwnsSubdistrict instead. `closeloop jobs run` at the machine is no application actor.
 */

/** Whether the actor may start a job round now (what the console shows the control to). */
export function mayRunJobs(actor: Pick<Actor, 'role' | 'subdistrictId'>): boolean {
  return can(actor, 'jobs.run') && actor.subdistrictId === null;
}

export function assertMayRunJobs(actor: Pick<Actor, 'role' | 'subdistrictId'>): void {
  assertCan(actor, 'jobs.run');
  if (actor.subdistrictId !== null) {
    throw new DomainError('forbidden', 'A background job acts on every subdistrict: it is run by a district-level administrator only', {
      permission: 'jobs.run', scope: 'district',
    });
  }
}
