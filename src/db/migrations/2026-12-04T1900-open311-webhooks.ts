import type { Kysely } from 'kysely';
import { inList, ts } from './_dialect.js';

// Frozen in time: the value lists are copied here, not imported.
const DELIVERY_STATUSES = ['pending', 'sending', 'sent', 'failed', 'skipped'];
const WEBHOOK_SCOPES = ['own', 'readable'];

/**
 * Signed webhooks per Open311 integration: which cases a key's webhook hears of (its own filings,
 * or every case it may read), an outbox of deliveries (one per public change and key) with its
 * attempts, last answer code and next attempt; WeCom deliveries now record the answer code too.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('open311_keys')
    .addColumn('webhook_scope', 'text', (c) => c.notNull().defaultTo('own').check(inList('webhook_scope', WEBHOOK_SCOPES)))
    .execute();
  await db.schema.alterTable('webhook_deliveries').addColumn('response_code', 'integer').execute();

  await db.schema
    .createTable('open311_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('key_id', 'text', (c) => c.notNull().references('open311_keys.id'))
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('url', 'text')
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(inList('status', DELIVERY_STATUSES)))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', ts(db), (c) => c.notNull())
    .addColumn('claim_token', 'text')
    .addColumn('claimed_until', ts(db))
    .addColumn('last_error', 'text')
    .addColumn('response_code', 'integer')
    .addColumn('sent_at', ts(db))
    .addColumn('created_at', ts(db), (c) => c.notNull())
    .addColumn('updated_at', ts(db), (c) => c.notNull())
    .addUniqueConstraint('open311_deliveries_key_event_uq', ['key_id', 'event_id'])
    .execute();
  await db.schema.createIndex('open311_deliveries_status_due_ix').on('open311_deliveries').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('open311_deliveries_key_created_ix').on('open311_deliveries').columns(['key_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('open311_deliveries').execute();
  await db.schema.alterTable('webhook_deliveries').dropColumn('response_code').execute();
  await db.schema.alterTable('open311_keys').dropColumn('webhook_scope').execute();
}
