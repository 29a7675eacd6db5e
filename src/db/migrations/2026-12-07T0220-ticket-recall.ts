import type { Kysely } from 'kysely';

// 过号重呼: a skipped ticket whose holder came back is called again the same day; when is kept
// apart from the first call (the wait is measured to the first call).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('service_tickets').addColumn('recalled_at', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('service_tickets').dropColumn('recalled_at').execute();
}
