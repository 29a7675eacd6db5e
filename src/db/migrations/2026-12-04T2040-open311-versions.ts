import type { Kysely } from 'kysely';

/**
 * Change counters for what Open311 serves from a per-process cache: one row per scope (a
 * subdistrict's id for the public fields of its requests that change without a case event — a
 * report marked abusive, a renamed site or category; `keys` for the integrations' API keys and
 * webhooks). A change bumps its counter in its own transaction, so every instance sees it at once.
 *
 * Also an index for the duplicate search of every intake (open cases of the same category near a
 * point): a range on latitude reads the cases of that strip, not every recent case of the category.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('open311_versions')
    .addColumn('scope', 'text', (c) => c.primaryKey())
    .addColumn('version', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('cases_sub_cat_lat_ix').on('cases').columns(['subdistrict_id', 'category_id', 'lat']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('cases_sub_cat_lat_ix').execute();
  await db.schema.dropTable('open311_versions').execute();
}
