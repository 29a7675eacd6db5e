import type { Kysely } from 'kysely';

// A booking the office cancels (a holiday entered on its day, its point closed, its session
// removed) says why; null: the citizen cancelled it by the link.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('service_appointments').addColumn('cancel_reason', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('service_appointments').dropColumn('cancel_reason').execute();
}
