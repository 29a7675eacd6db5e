import type { Kysely } from 'kysely';

// The handling unit the actor belonged to when an event was recorded ("整改完成 · 马娜（古北物业）").
// Nullable and absent from earlier events: the hash of an event covers this column only when it is
// set, so the chain recorded before it existed verifies unchanged.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('case_events').addColumn('actor_unit_id', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('case_events').dropColumn('actor_unit_id').execute();
}
