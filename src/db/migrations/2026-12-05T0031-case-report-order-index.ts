import type { Kysely } from 'kysely';

/**
 * A subdistrict's cases in report order with their id: lists that show the newest reports first
 * and break ties by id (Open311 GET requests, the case desk) read the index in order and stop at
 * their limit, where (subdistrict_id, reported_at) alone made SQLite sort the whole window first.
 * It serves every query the narrower index served, which it replaces.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('cases_sub_reported_id_ix').on('cases').columns(['subdistrict_id', 'reported_at', 'id']).execute();
  await db.schema.dropIndex('cases_sub_reported_ix').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('cases_sub_reported_ix').on('cases').columns(['subdistrict_id', 'reported_at']).execute();
  await db.schema.dropIndex('cases_sub_reported_id_ix').execute();
}
