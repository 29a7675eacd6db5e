import type { Kysely } from 'kysely';
import { inList } from './_dialect.js';

// Notices stored language-neutrally: a message key and its parameters (JSON), rendered in the
// reader's language when read (src/domain/notifications/messages.ts). title and body keep the
// Chinese text: rows written before keep showing it, and readers that know no key fall back on it.
// A WeCom robot posts in the language its group reads ('zh' unless an administrator chose 'en').
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('notifications').addColumn('message_key', 'text').execute();
  await db.schema.alterTable('notifications').addColumn('params', 'text').execute();
  await db.schema
    .alterTable('notification_webhooks')
    .addColumn('language', 'text', (c) => c.notNull().defaultTo('zh').check(inList('language', ['zh', 'en'])))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('notification_webhooks').dropColumn('language').execute();
  await db.schema.alterTable('notifications').dropColumn('params').execute();
  await db.schema.alterTable('notifications').dropColumn('message_key').execute();
}
