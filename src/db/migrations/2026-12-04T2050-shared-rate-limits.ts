import type { Kysely } from 'kysely';
import { ts } from './_dialect.js';

// Per-client request budgets shared by every instance: one row per (bucket, client hash, fixed
// window), counted by a single conditional upsert. The client is stored only as a keyed hash
// (never an address). Instants are epoch milliseconds (bigint), compared arithmetically on both
// engines. Open311 keys also record when they were last used (for the administrators' list).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('rate_limit_hits')
    .addColumn('bucket', 'text', (c) => c.notNull())
    .addColumn('client_hash', 'text', (c) => c.notNull())
    .addColumn('window_start_ms', 'bigint', (c) => c.notNull())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .addColumn('expires_ms', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('rate_limit_hits_pk', ['bucket', 'client_hash', 'window_start_ms'])
    .execute();
  await db.schema.createIndex('rate_limit_hits_expires_ix').on('rate_limit_hits').column('expires_ms').execute();
  await db.schema.alterTable('open311_keys').addColumn('last_used_at', ts(db)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('open311_keys').dropColumn('last_used_at').execute();
  await db.schema.dropTable('rate_limit_hits').execute();
}
