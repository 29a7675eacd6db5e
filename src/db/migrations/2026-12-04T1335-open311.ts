import { type Kysely, sql } from 'kysely';
import { inList, isPostgres, ts } from './_dialect.js';

// Frozen in time: the value lists are copied here, not imported.
const SOURCES = ['patrol', 'self_resolved', 'checkin', 'citizen', 'camera', 'iot', 'enforcement', 'open311', 'hotline'];
const KEY_KINDS = ['open311', 'hotline'];
const CHANNELS = ['open311', 'hotline', 'web'];

/**
 * Open311 GeoReport v2 intake: cases may now come from an integration (source open311, or
 * hotline for the 12345 system's key); per-integration API keys (hashed); the Open311 side of a
 * case (who filed it, the reporter's contact details kept apart from the case, a tracking token);
 * and idempotency records so a retrying client never files twice.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    const rows = await sql<{ conname: string }>`select conname from pg_constraint
      where conrelid = 'cases'::regclass and contype = 'c' and pg_get_constraintdef(oid) like '%source%'`.execute(db);
    for (const r of rows.rows) await sql`alter table cases drop constraint ${sql.id(r.conname)}`.execute(db);
    await sql`alter table cases add constraint cases_source_check check (${inList('source', SOURCES)})`.execute(db);
  } else {
    // SQLite cannot alter a CHECK in place. The old column's check is a column constraint, so the
    // column can be renamed, replaced by one with the wider check, copied and dropped — all in
    // place, without dropping the table that case_events and case_photos reference.
    await sql`alter table cases rename column source to source_before_open311`.execute(db);
    await sql`alter table cases add column source text not null default 'patrol' check (${inList('source', SOURCES)})`.execute(db);
    await sql`update cases set source = source_before_open311`.execute(db);
    await sql`alter table cases drop column source_before_open311`.execute(db);
  }

  await db.schema
    .createTable('open311_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(inList('kind', KEY_KINDS)))
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('key_prefix', 'text', (c) => c.notNull())
    .addColumn('subdistrict_ids', 'text', (c) => c.notNull())
    .addColumn('rate_per_minute', 'integer', (c) => c.notNull().check(sql`rate_per_minute > 0`))
    .addColumn('webhook_url', 'text')
    .addColumn('webhook_secret', 'text')
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', ts(db), (c) => c.notNull())
    .addColumn('revoked_at', ts(db))
    .addColumn('revoked_by', 'text', (c) => c.references('users.id'))
    .execute();

  await db.schema
    .createTable('open311_requests')
    .addColumn('case_id', 'text', (c) => c.primaryKey().references('cases.id'))
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('key_id', 'text', (c) => c.references('open311_keys.id'))
    .addColumn('channel', 'text', (c) => c.notNull().check(inList('channel', CHANNELS)))
    .addColumn('token', 'text', (c) => c.notNull().unique())
    .addColumn('service_code', 'text', (c) => c.notNull())
    .addColumn('address_string', 'text')
    .addColumn('address_id', 'text')
    .addColumn('attributes', 'text', (c) => c.notNull())
    .addColumn('media_url', 'text')
    // The reporter's personal data (email, names, phone, device and account ids): never returned by GET.
    .addColumn('contact', 'text', (c) => c.notNull())
    .addColumn('abusive', 'integer', (c) => c.notNull().defaultTo(0).check(sql`abusive in (0, 1)`))
    .addColumn('abusive_reason', 'text')
    .addColumn('created_at', ts(db), (c) => c.notNull())
    .execute();
  await db.schema.createIndex('open311_requests_key_ix').on('open311_requests').columns(['key_id', 'created_at']).execute();

  await db.schema
    .createTable('open311_idempotency')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('idem_key', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', ts(db), (c) => c.notNull())
    .addPrimaryKeyConstraint('open311_idempotency_pk', ['scope', 'idem_key'])
    .execute();

  // servicerequestupdates reads a jurisdiction's public changes by time.
  await db.schema.createIndex('case_events_sub_at_ix').on('case_events').columns(['subdistrict_id', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('case_events_sub_at_ix').execute();
  await db.schema.dropTable('open311_idempotency').execute();
  await db.schema.dropTable('open311_requests').execute();
  await db.schema.dropTable('open311_keys').execute();
}
