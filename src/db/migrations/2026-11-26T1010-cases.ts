import { type Kysely, sql } from 'kysely';
import { inList, real, ts } from './_dialect.js';

// Frozen in time: the value lists are copied here, not imported.
const STATUSES = ['reported', 'filed', 'dispatched', 'handled', 'closed', 'cancelled', 'on_hold', 'merged'];
const SOURCES = ['patrol', 'self_resolved', 'checkin', 'citizen', 'camera', 'iot', 'enforcement'];
const PENDING = ['hold', 'extension'];
const PURPOSES = ['before', 'after', 'evidence'];

export async function up(db: Kysely<any>): Promise<void> {
  // Short letters for case numbers (HQ-20260526-0007); null → 'S' + subdistrict code.
  await db.schema.alterTable('subdistricts').addColumn('case_prefix', 'text').execute();

  await db.schema
    .createTable('cases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('committee_id', 'text', (c) => c.notNull().references('committees.id'))
    .addColumn('grid_id', 'text', (c) => c.references('grids.id'))
    .addColumn('site_id', 'text', (c) => c.references('sites.id'))
    .addColumn('category_id', 'text', (c) => c.notNull().references('case_categories.id'))
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('source', 'text', (c) => c.notNull().check(inList('source', SOURCES)))
    .addColumn('status', 'text', (c) => c.notNull().check(inList('status', STATUSES)))
    .addColumn('pending_request', 'text', (c) => c.check(sql`pending_request is null or ${inList('pending_request', PENDING)}`))
    .addColumn('requested_due_at', ts(db))
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('lng', real(db), (c) => c.notNull().check(sql`lng between 73 and 136`))
    .addColumn('lat', real(db), (c) => c.notNull().check(sql`lat between 3 and 54`))
    .addColumn('reporter_id', 'text', (c) => c.references('users.id'))
    .addColumn('reporter_role', 'text', (c) => c.notNull())
    .addColumn('assigned_unit_id', 'text', (c) => c.references('handling_units.id'))
    .addColumn('assigned_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('merged_into_id', 'text', (c) => c.references('cases.id'))
    .addColumn('status_reason', 'text')
    .addColumn('rework_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('redispatch_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reopen_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('extension_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('overdue_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('reported_at', ts(db), (c) => c.notNull())
    .addColumn('filed_at', ts(db))
    .addColumn('dispatched_at', ts(db))
    .addColumn('handled_at', ts(db))
    .addColumn('closed_at', ts(db))
    .addColumn('cancelled_at', ts(db))
    .addColumn('stage_started_at', ts(db))
    .addColumn('stage_due_at', ts(db))
    .addColumn('remind_at', ts(db))
    .addColumn('reminded_key', 'text')
    .addColumn('overdue_at', ts(db))
    .addColumn('escalated_key', 'text')
    .addColumn('handle_due_at', ts(db))
    .addColumn('handled_on_time', 'integer', (c) => c.check(sql`handled_on_time in (0, 1)`))
    .addColumn('closed_on_time', 'integer', (c) => c.check(sql`closed_on_time in (0, 1)`))
    .addColumn('updated_at', ts(db), (c) => c.notNull())
    .addCheckConstraint('cases_closed_ck', sql`(status = 'closed') = (closed_at is not null)`)
    .execute();
  // Case-desk queues are keyset-paginated on id (UUIDv7, time-ordered) within a scope.
  await db.schema.createIndex('cases_sub_status_ix').on('cases').columns(['subdistrict_id', 'status', 'id']).execute();
  await db.schema.createIndex('cases_com_status_ix').on('cases').columns(['committee_id', 'status', 'id']).execute();
  await db.schema.createIndex('cases_sub_id_ix').on('cases').columns(['subdistrict_id', 'id']).execute();
  await db.schema.createIndex('cases_com_id_ix').on('cases').columns(['committee_id', 'id']).execute();
  await db.schema.createIndex('cases_unit_status_ix').on('cases').columns(['assigned_unit_id', 'status', 'id']).execute();
  await db.schema.createIndex('cases_user_status_ix').on('cases').columns(['assigned_user_id', 'status', 'id']).execute();
  await db.schema.createIndex('cases_sub_category_ix').on('cases').columns(['subdistrict_id', 'category_id', 'id']).execute();
  await db.schema.createIndex('cases_sub_overdue_ix').on('cases').columns(['subdistrict_id', 'overdue_at', 'id']).execute();
  await db.schema.createIndex('cases_stage_due_ix').on('cases').columns(['stage_due_at']).execute();
  await db.schema.createIndex('cases_remind_ix').on('cases').columns(['remind_at']).execute();
  await db.schema.createIndex('cases_site_ix').on('cases').columns(['site_id']).execute();

  await db.schema
    .createTable('case_number_counters')
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('last', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_number_counters_pk', ['subdistrict_id', 'day'])
    .execute();

  // Append-only, hash-chained per subdistrict (seq is the position in the chain).
  await db.schema
    .createTable('case_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (c) => c.notNull().check(inList('to_status', STATUSES)))
    .addColumn('actor_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('actor_role', 'text', (c) => c.notNull())
    .addColumn('at', ts(db), (c) => c.notNull())
    .addColumn('device_at', ts(db))
    .addColumn('lng', real(db))
    .addColumn('lat', real(db))
    .addColumn('accuracy_m', real(db))
    .addColumn('note', 'text')
    .addColumn('photo_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('changes', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addUniqueConstraint('case_events_sub_seq_uq', ['subdistrict_id', 'seq'])
    .execute();
  await db.schema.createIndex('case_events_case_ix').on('case_events').columns(['case_id', 'seq']).execute();

  await db.schema
    .createTable('chain_heads')
    .addColumn('subdistrict_id', 'text', (c) => c.primaryKey().references('subdistricts.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('updated_at', ts(db), (c) => c.notNull())
    .execute();

  // photo_id has no foreign key: the photos table arrives in a later migration.
  await db.schema
    .createTable('case_photos')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('event_id', 'text', (c) => c.notNull().references('case_events.id'))
    .addColumn('photo_id', 'text', (c) => c.notNull())
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('committee_id', 'text', (c) => c.notNull().references('committees.id'))
    .addColumn('purpose', 'text', (c) => c.notNull().check(inList('purpose', PURPOSES)))
    .execute();
  await db.schema.createIndex('case_photos_case_ix').on('case_photos').columns(['case_id']).execute();
  await db.schema.createIndex('case_photos_photo_ix').on('case_photos').columns(['photo_id']).execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('route', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('response', 'text')
    .addColumn('created_at', ts(db), (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['user_id', 'key'])
    .execute();
  await db.schema.createIndex('idempotency_keys_created_ix').on('idempotency_keys').columns(['created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['idempotency_keys', 'case_photos', 'chain_heads', 'case_events', 'case_number_counters', 'cases']) {
    await db.schema.dropTable(t).execute();
  }
  await db.schema.alterTable('subdistricts').dropColumn('case_prefix').execute();
}
