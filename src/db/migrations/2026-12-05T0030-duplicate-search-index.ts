import type { Kysely } from 'kysely';

/**
 * The duplicate search of every intake (open cases of the same category reported within the
 * window near the new report) answered from one covering index: the recent cases of the category
 * in report order, with their position and status in the index itself, so only the few that match
 * are read from the table. It replaces the two indexes that served this search before (by report
 * time, and by latitude strip), one of which the planner picked on statistics and then read the
 * table for every case of a year's latitude strip.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('cases_sub_cat_lat_ix').execute();
  await db.schema.dropIndex('cases_sub_cat_reported_ix').execute();
  await db.schema.createIndex('cases_dup_search_ix').on('cases').columns(['subdistrict_id', 'category_id', 'reported_at', 'lat', 'lng', 'status']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('cases_dup_search_ix').execute();
  await db.schema.createIndex('cases_sub_cat_reported_ix').on('cases').columns(['subdistrict_id', 'category_id', 'reported_at']).execute();
  await db.schema.createIndex('cases_sub_cat_lat_ix').on('cases').columns(['subdistrict_id', 'category_id', 'lat']).execute();
}
