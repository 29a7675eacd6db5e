import { type Kysely, sql } from 'kysely';

// One queue ticket is served by one service record: the partial unique index makes two windows
// recording the same ticket at once collide (the second is told the ticket has its record). A
// ticket named by several records before this index keeps its earliest record.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    update service_records set ticket_id = null
    where ticket_id is not null and exists (
      select 1 from service_records o
      where o.ticket_id = service_records.ticket_id
        and (o.accepted_at < service_records.accepted_at or (o.accepted_at = service_records.accepted_at and o.id < service_records.id))
    )`.execute(db);
  await db.schema
    .createIndex('service_records_ticket_uq')
    .on('service_records')
    .column('ticket_id')
    .unique()
    .where(sql.ref('ticket_id'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('service_records_ticket_uq').execute();
}
