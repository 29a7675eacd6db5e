import { type Kysely, sql } from 'kysely';

// A record naming a booking checks that no other record names it (one booking is one service).
// That check read the point's records since the booking was made through (point_id, accepted_at):
// a booking made days ahead at a busy centre meant thousands of rows for every record made at its
// window. This index answers it by the booking (only records that name one are in it).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('service_records_appointment_ix')
    .on('service_records')
    .column('appointment_id')
    .where(sql.ref('appointment_id'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('service_records_appointment_ix').execute();
}
