import { type Kysely, sql } from 'kysely';

// One service record closes one queue ticket: the partial unique index makes two windows finishing
// different tickets with the same record collide (the second is told the record has its ticket). A
// record named by several tickets before this index stays named by its earliest-finished ticket.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    update service_tickets set record_id = null
    where record_id is not null and exists (
      select 1 from service_tickets o
      where o.record_id = service_tickets.record_id
        and (o.finished_at < service_tickets.finished_at or (o.finished_at = service_tickets.finished_at and o.id < service_tickets.id))
    )`.execute(db);
  await db.schema
    .createIndex('service_tickets_record_uq')
    .on('service_tickets')
    .column('record_id')
    .unique()
    .where(sql.ref('record_id'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('service_tickets_record_uq').execute();
}
