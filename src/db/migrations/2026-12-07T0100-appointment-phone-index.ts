import type { Kysely } from 'kysely';

/**
 * A booking checks that the phone has no other live booking at the point that day. Without
 * planner statistics (the app plans without them on every database) SQLite answered that check
 * from the (status, slot_start_at) index, reading every booked appointment of the city for each
 * booking. This index answers it by point, day and phone.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('service_appointments_point_day_phone_ix').on('service_appointments').columns(['point_id', 'day', 'phone']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('service_appointments_point_day_phone_ix').execute();
}
