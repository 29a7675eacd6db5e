import type { Kysely } from 'kysely';

// Read paths of the front office at city scale:
//  - call-next asks for the first waiting ticket of a point and day in the order rule's two
//    orders (a begun appointment by slot then issue; everyone by issue), each an index range read
//    with LIMIT 1; these two indexes replace the one on (point_id, day, status) they begin with;
//  - the 15-minute life-circle report reads every active residential site's position in its
//    scope: this index answers that without the table (a city has hundreds of thousands of sites).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('service_tickets_waiting_seq_ix').on('service_tickets').columns(['point_id', 'day', 'status', 'seq']).execute();
  await db.schema.createIndex('service_tickets_waiting_slot_ix').on('service_tickets').columns(['point_id', 'day', 'status', 'source', 'slot_start_at', 'seq']).execute();
  await db.schema.dropIndex('service_tickets_point_status_ix').execute();
  await db.schema.createIndex('sites_kind_position_ix').on('sites').columns(['kind', 'status', 'subdistrict_id', 'committee_id', 'lng', 'lat', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('sites_kind_position_ix').execute();
  await db.schema.createIndex('service_tickets_point_status_ix').on('service_tickets').columns(['point_id', 'day', 'status']).execute();
  await db.schema.dropIndex('service_tickets_waiting_slot_ix').execute();
  await db.schema.dropIndex('service_tickets_waiting_seq_ix').execute();
}
