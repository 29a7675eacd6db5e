import { type Kysely, sql } from 'kysely';
import { inList, ts } from './_dialect.js';

// Frozen in time: the value lists are copied here, not imported.
const OVERRIDE_KINDS = ['workday', 'holiday'];
const DELIVERY_STATUSES = ['pending', 'sending', 'sent', 'failed', 'skipped'];

export async function up(db: Kysely<any>): Promise<void> {
  // Working-day calendar corrections. subdistrict_id null = applies everywhere; a row for one
  // subdistrict wins over a global row for the same date, which wins over the holiday package.
  await db.schema
    .createTable('calendar_overrides')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subdistrict_id', 'text', (c) => c.references('subdistricts.id'))
    .addColumn('date', 'text', (c) => c.notNull().check(sql`length(date) = 10`))
    .addColumn('kind', 'text', (c) => c.notNull().check(inList('kind', OVERRIDE_KINDS)))
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', ts(db), (c) => c.notNull())
    .addColumn('updated_at', ts(db), (c) => c.notNull())
    .execute();
  await sql`create unique index calendar_overrides_scope_date_uq on calendar_overrides ((coalesce(subdistrict_id, '')), date)`.execute(db);
  await db.schema.createIndex('calendar_overrides_date_ix').on('calendar_overrides').column('date').execute();

  // One row per notify() call; dedupe_key makes a repeated call insert nothing.
  await db.schema
    .createTable('notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text')
    .addColumn('dedupe_key', 'text')
    .addColumn('created_at', ts(db), (c) => c.notNull())
    .addUniqueConstraint('notifications_sub_dedupe_uq', ['subdistrict_id', 'dedupe_key'])
    .execute();

  // The in-app inbox: one row per recipient.
  await db.schema
    .createTable('inbox_items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('notification_id', 'text', (c) => c.notNull().references('notifications.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', ts(db), (c) => c.notNull())
    .addColumn('read_at', ts(db))
    .addUniqueConstraint('inbox_items_notification_user_uq', ['notification_id', 'user_id'])
    .execute();
  await db.schema.createIndex('inbox_items_user_ix').on('inbox_items').columns(['user_id', 'id']).execute();
  await db.schema.createIndex('inbox_items_user_unread_ix').on('inbox_items').columns(['user_id', 'read_at', 'id']).execute();

  // Per-subdistrict WeCom / 政务微信 group-robot webhook; without a row the global
  // WECOM_WEBHOOK_URL (if any) is used.
  await db.schema
    .createTable('notification_webhooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().unique().references('subdistricts.id'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1).check(sql`enabled in (0, 1)`))
    .addColumn('created_at', ts(db), (c) => c.notNull())
    .addColumn('updated_at', ts(db), (c) => c.notNull())
    .execute();

  // Outbox of webhook messages, delivered by a job with retries. url null = the global URL.
  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('notification_id', 'text', (c) => c.notNull().references('notifications.id'))
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('url', 'text')
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(inList('status', DELIVERY_STATUSES)))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', ts(db), (c) => c.notNull())
    .addColumn('claim_token', 'text')
    .addColumn('claimed_until', ts(db))
    .addColumn('last_error', 'text')
    .addColumn('sent_at', ts(db))
    .addColumn('created_at', ts(db), (c) => c.notNull())
    .addColumn('updated_at', ts(db), (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_deliveries_status_due_ix').on('webhook_deliveries').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('webhook_deliveries_sub_status_ix').on('webhook_deliveries').columns(['subdistrict_id', 'status', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['webhook_deliveries', 'notification_webhooks', 'inbox_items', 'notifications', 'calendar_overrides']) {
    await db.schema.dropTable(t).execute();
  }
}
