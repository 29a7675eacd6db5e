import type { Kysely } from 'kysely';

// The desk's date-range filter (reported_at) within a subdistrict; without it the filter scans
// every case of the subdistrict (bench:cases, 1 M cases).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('cases_sub_reported_ix').ifNotExists().on('cases').columns(['subdistrict_id', 'reported_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('cases_sub_reported_ix').ifExists().execute();
}
