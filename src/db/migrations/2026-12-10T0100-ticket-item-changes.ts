import { type Kysely, sql } from 'kysely';
import { inList, ts } from './_dialect.js';

// At the window the applicant often needs another item than the ticket was taken for: the clerk
// switches the called or started ticket's item. The ticket keeps the item it was issued for (its
// queue figures: tickets, waits, skips) apart from the item served (its service figures), and each
// switch is an event: who, when, from, to, and the ticket's status at the time.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('service_tickets').addColumn('issued_item_id', 'text', (c) => c.references('service_items.id')).execute();
  await db.schema
    .createTable('service_ticket_item_changes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ticket_id', 'text', (c) => c.notNull().references('service_tickets.id'))
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('point_id', 'text', (c) => c.notNull().references('service_points.id'))
    .addColumn('from_item_id', 'text', (c) => c.notNull().references('service_items.id'))
    .addColumn('to_item_id', 'text', (c) => c.notNull().references('service_items.id'))
    .addColumn('ticket_status', 'text', (c) => c.notNull().check(inList('ticket_status', ['called', 'serving'])))
    .addColumn('changed_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('changed_at', ts(db), (c) => c.notNull())
    .addCheckConstraint('service_ticket_item_changes_ck', sql`from_item_id <> to_item_id`)
    .execute();
  await db.schema.createIndex('service_ticket_item_changes_ticket_ix').on('service_ticket_item_changes').columns(['ticket_id', 'changed_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('service_ticket_item_changes').execute();
  await db.schema.alterTable('service_tickets').dropColumn('issued_item_id').execute();
}
