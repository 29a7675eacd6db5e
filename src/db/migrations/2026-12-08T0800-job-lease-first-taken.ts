import type { Kysely } from 'kysely';

// A job that has failed since its first round has no last success to count its lag from: the
// lease row now remembers when it was first taken (epoch ms), and the lag of a job that never
// succeeded grows from there. Rows already there count from this migration (when they were first
// taken is not known); a row inserted without it (a test, a hand-made row) has no such start.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('job_leases').addColumn('first_taken_ms', 'bigint').execute();
  await db.updateTable('job_leases').set({ first_taken_ms: Date.now() }).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('job_leases').dropColumn('first_taken_ms').execute();
}
