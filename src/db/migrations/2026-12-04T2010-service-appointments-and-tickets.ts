import { type Kysely, sql } from 'kysely';
import { inList, ts } from './_dialect.js';

// Frozen in time: the value lists are copied here, not imported.
const APPOINTMENT_STATUSES = ['booked', 'checked_in', 'cancelled', 'no_show'];
const TICKET_STATUSES = ['waiting', 'called', 'serving', 'done', 'skipped'];
const TICKET_SOURCES = ['walk_in', 'appointment'];

/**
 * 一网通办 front desk: appointments (预约) booked by citizens without an account against the
 * capacity of a point's opening sessions, and queue tickets (取号) with every instant of their
 * way through the window (issued, called, started, finished).
 */
export async function up(db: Kysely<any>): Promise<void> {
  // One row per bookable slot that has been booked at all: the counter a booking raises with a
  // conditional update (booked < capacity), so concurrent bookings cannot overfill a session.
  await db.schema
    .createTable('service_slot_bookings')
    .addColumn('point_id', 'text', (c) => c.notNull().references('service_points.id'))
    .addColumn('day', 'text', (c) => c.notNull().check(sql`length(day) = 10`))
    .addColumn('starts', 'text', (c) => c.notNull().check(sql`length(starts) = 5`))
    .addColumn('booked', 'integer', (c) => c.notNull().check(sql`booked >= 0`))
    .addPrimaryKeyConstraint('service_slot_bookings_pk', ['point_id', 'day', 'starts'])
    .execute();

  await db.schema
    .createTable('service_appointments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('committee_id', 'text', (c) => c.references('committees.id'))
    .addColumn('point_id', 'text', (c) => c.notNull().references('service_points.id'))
    .addColumn('item_id', 'text', (c) => c.notNull().references('service_items.id'))
    .addColumn('day', 'text', (c) => c.notNull().check(sql`length(day) = 10`))
    .addColumn('starts', 'text', (c) => c.notNull().check(sql`length(starts) = 5`))
    .addColumn('ends', 'text', (c) => c.notNull().check(sql`length(ends) = 5`))
    .addColumn('slot_start_at', ts(db), (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(inList('status', APPOINTMENT_STATUSES)))
    .addColumn('booked_at', ts(db), (c) => c.notNull())
    .addColumn('cancelled_at', ts(db))
    .addColumn('checked_in_at', ts(db))
    .addColumn('checked_in_by', 'text', (c) => c.references('users.id'))
    .addColumn('no_show_at', ts(db))
    .addColumn('ticket_id', 'text')
    .addCheckConstraint('service_appointments_checkin_ck', sql`status <> 'checked_in' or checked_in_at is not null`)
    .execute();
  await db.schema.createIndex('service_appointments_point_day_ix').on('service_appointments').columns(['point_id', 'day', 'starts']).execute();
  await db.schema.createIndex('service_appointments_due_ix').on('service_appointments').columns(['status', 'slot_start_at']).execute();
  await db.schema.createIndex('service_appointments_sub_day_ix').on('service_appointments').columns(['subdistrict_id', 'day']).execute();

  // Ticket numbers per point and day: prefix '' is the point's running sequence (the queue's
  // order of issue), a category prefix ('A', 'B', …) the number printed on the ticket.
  await db.schema
    .createTable('service_ticket_counters')
    .addColumn('point_id', 'text', (c) => c.notNull().references('service_points.id'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('last', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('service_ticket_counters_pk', ['point_id', 'day', 'prefix'])
    .execute();

  await db.schema
    .createTable('service_tickets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('committee_id', 'text', (c) => c.references('committees.id'))
    .addColumn('point_id', 'text', (c) => c.notNull().references('service_points.id'))
    .addColumn('item_id', 'text', (c) => c.notNull().references('service_items.id'))
    .addColumn('day', 'text', (c) => c.notNull().check(sql`length(day) = 10`))
    .addColumn('seq', 'integer', (c) => c.notNull().check(sql`seq >= 1`))
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull().check(inList('source', TICKET_SOURCES)))
    .addColumn('appointment_id', 'text', (c) => c.references('service_appointments.id'))
    .addColumn('slot_start_at', ts(db))
    .addColumn('status', 'text', (c) => c.notNull().check(inList('status', TICKET_STATUSES)))
    .addColumn('issued_at', ts(db), (c) => c.notNull())
    .addColumn('issued_by', 'text', (c) => c.references('users.id'))
    .addColumn('called_at', ts(db))
    .addColumn('called_by', 'text', (c) => c.references('users.id'))
    .addColumn('window', 'text')
    .addColumn('started_at', ts(db))
    .addColumn('finished_at', ts(db))
    .addColumn('skipped_at', ts(db))
    .addColumn('record_id', 'text', (c) => c.references('service_records.id'))
    .addUniqueConstraint('service_tickets_seq_uq', ['point_id', 'day', 'seq'])
    .addUniqueConstraint('service_tickets_number_uq', ['point_id', 'day', 'number'])
    .addCheckConstraint('service_tickets_appointment_ck', sql`source <> 'appointment' or (appointment_id is not null and slot_start_at is not null)`)
    .execute();
  await db.schema.createIndex('service_tickets_point_status_ix').on('service_tickets').columns(['point_id', 'day', 'status']).execute();
  await db.schema.createIndex('service_tickets_sub_day_ix').on('service_tickets').columns(['subdistrict_id', 'day']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['service_tickets', 'service_ticket_counters', 'service_appointments', 'service_slot_bookings']) {
    await db.schema.dropTable(t).execute();
  }
}
