import { type AuditActor, recordAudit } from '../domain/audit/record-audit.js';
import { inTransaction } from '../domain/shared/in-transaction.js';
import { invalidField } from '../domain/shared/errors.js';
import { type JobDeps, createJobs } from './index.js';

export interface JobRunResult {
  job: string;
  /** false when another instance holds the job's lease (its own round runs instead) */
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
 * console's administrator action), and records it in the audit log. The round takes the job's
 * lease like any other, so it never overlaps a round of the serving instance.
 */
export async function runJobNow(deps: JobDeps, name: string, actor: AuditActor, ip: string | null = null): Promise<JobRunResult> {
  const job = createJobs({ ...deps, holder: `run-now:${actor.username}:${Date.now()}` }).find((j) => j.name === name);
  if (!job) throw invalidField('name', `unknown job; one of ${jobNames(deps).join(', ')}`);
  let handled: number;
  try {
    handled = await job.runOnce();
  } finally {
    // A one-off round lets go of the lease at once, so the next round (here or on a serving instance) need not wait out its TTL.
    await job.destroy();
  }
  const result: JobRunResult = { job: name, ran: job.stats.rounds > 0, handled, error: job.stats.lastError };
  await inTransaction(deps.db, (trx) =>
    recordAudit(trx, deps.clock, { actor, action: 'job.run', entity: 'job', entityId: name, after: result, ip }),
  );
  return result;
}
