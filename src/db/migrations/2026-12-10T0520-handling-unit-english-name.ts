import type { Kysely } from 'kysely';

// A handling unit's name in English, for the English public tracking page (and any English reader
// of who handles a report). Optional: a unit registered without one reads in Chinese everywhere, as
// the Chinese name is the registered, legal one.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('handling_units').addColumn('name_en', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('handling_units').dropColumn('name_en').execute();
}
