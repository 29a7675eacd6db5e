import type { Kysely } from 'kysely';

// The coverage board reads every bin room's timetable; this index answers that without the table.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('sites_bin_room_hours_ix').on('sites').columns(['kind', 'status', 'subdistrict_id', 'committee_id', 'id', 'created_at', 'disposal_hours']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('sites_bin_room_hours_ix').execute();
}
