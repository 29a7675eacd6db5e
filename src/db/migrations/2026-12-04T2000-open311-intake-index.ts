import type { Kysely } from 'kysely';

/**
 * Intake looks for open cases of the same category reported within the duplicate window near
 * the new one (on every Open311 or public report): this index reads just those recent cases
 * instead of every case of the category.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('cases_sub_cat_reported_ix').on('cases').columns(['subdistrict_id', 'category_id', 'reported_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('cases_sub_cat_reported_ix').execute();
}
