import { type AuditActor, recordAudit } from '../domain/audit/record-audit.js';
import { inTransaction } from '../domain/shared/in-transaction.js';
import { invalidField } from '../domain/shared/errors.js';
import { type JobDeps, createJobs, startedJob } from './index.js';
import type { RoundResult } from './poller.js';

export interface JobRunResult {
  job: string;
  /** false when a round of the job is in progress (here or on another instance): it is not run twice at once */
  ran: boolean;
  handled: number;
  error: string | null;
}

/** Names of the jobs `closeloop jobs run` and the console can start. */
export function jobNames(deps: JobDeps): string[] {
  return createJobs(deps).map((j) => j.name);
}

/**
 * Runs one round of a job now, for drills and operations (`closeloop jobs run <name>`, the
 * console's administrator action), and records it in the audit log. In a serving process the
 * round runs on the instance's own poller (after a round of it in progress). Otherwise — the
 * command, or an instance that does not hold the job — a one-off round takes the job's round
 * marker (free unless a round runs somewhere) and then the lease from the instance that keeps it
 * between rounds, so it runs at once yet never beside another round of the job.
 */
export async function runJobNow(deps: JobDeps, name: string, actor: AuditActor, ip: string | null = null): Promise<JobRunResult> {
  if (!jobNames(deps).includes(name)) throw invalidField('name', `unknown job; one of ${jobNames(deps).join(', ')}`);
  const own = startedJob(deps, name);
  let round: RoundResult | null = own ? await own.runNow() : null;
  if (!round?.ran) {
    const job = createJobs({ ...deps, holder: `run-now:${actor.username}:${Date.now()}`, takeOver: true }).find((j) => j.name === name)!;
    try {
      round = await job.runNow();
    } finally {
      // A one-off round lets go of the lease at once, so the next round (here or on a serving instance) need not wait out its TTL.
      await job.destroy();
    }
  }
  const result: JobRunResult = { job: name, ran: round.ran, handled: round.handled, error: round.error };
  await inTransaction(deps.db, (trx) =>
    recordAudit(trx, deps.clock, { actor, action: 'job.run', entity: 'job', entityId: name, districtId: null, after: result, ip }),
  );
  return result;
}
