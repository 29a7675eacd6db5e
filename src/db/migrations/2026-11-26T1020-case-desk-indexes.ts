import { type Kysely, sql } from 'kysely';

// Case-desk indexes found by bench:cases with 1 M cases: a date-range filter scanned the table.
// (subdistrict_id, reported_at) is created by the dashboard migration (cases_sub_reported_ix).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('cases_com_reported_ix').on('cases').columns(['committee_id', 'reported_at']).execute();
  // The overdue queue is a small slice of a subdistrict: a partial index keeps it in id order.
  await db.schema
    .createIndex('cases_sub_overdue_id_ix')
    .on('cases')
    .columns(['subdistrict_id', 'id'])
    .where(sql.ref('overdue_at'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const ix of ['cases_sub_overdue_id_ix', 'cases_com_reported_ix']) await db.schema.dropIndex(ix).execute();
}
