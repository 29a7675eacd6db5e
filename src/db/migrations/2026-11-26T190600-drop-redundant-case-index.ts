import type { Kysely } from 'kysely';

// The overdue queue reads the partial index cases_sub_overdue_id_ix (where overdue_at is not null);
// cases_sub_overdue_ix only cost a write on every case insert.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('cases_sub_overdue_ix').ifExists().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('cases_sub_overdue_ix').on('cases').columns(['subdistrict_id', 'overdue_at', 'id']).execute();
}
