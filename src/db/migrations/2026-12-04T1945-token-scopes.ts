import { type Kysely, sql } from 'kysely';
import { ts } from './_dialect.js';

// Least privilege for bearer tokens: each carries its scopes (a JSON array of read, field,
// integration, admin); tokens made before scopes existed keep reading only. The longest lifetime
// a token may have is an administrator's setting, kept in a small key/value table of system-wide
// settings (who changed it and when; the audit log holds before and after).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('api_tokens')
    .addColumn('scopes', 'text', (c) => c.notNull().defaultTo(sql.lit('["read"]')))
    .execute();
  await db.schema
    .createTable('system_settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', ts(db), (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('system_settings').execute();
  await db.schema.alterTable('api_tokens').dropColumn('scopes').execute();
}
