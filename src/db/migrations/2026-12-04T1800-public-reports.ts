import { type Kysely, sql } from 'kysely';
import { inList, ts } from './_dialect.js';

// Frozen in time: the value list is copied here, not imported.
const FEEDBACK = ['confirmed', 'contested'];

/**
 * The public report page: who sent a report (a keyed hash of the client address, never the
 * address itself) so repeated abuse can be limited; when and by whom a report was marked abusive;
 * the reporter's answer to the fix (confirmed or contested). Proof-of-work challenges are signed
 * with a server secret kept in the database (every instance shares it) and each is spent once.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('open311_requests').addColumn('client_hash', 'text').execute();
  await db.schema.alterTable('open311_requests').addColumn('abusive_at', ts(db)).execute();
  await db.schema.alterTable('open311_requests').addColumn('abusive_by', 'text', (c) => c.references('users.id')).execute();
  await db.schema.alterTable('open311_requests').addColumn('feedback', 'text', (c) => c.check(sql`feedback is null or ${inList('feedback', FEEDBACK)}`)).execute();
  await db.schema.alterTable('open311_requests').addColumn('feedback_at', ts(db)).execute();
  await db.schema.createIndex('open311_requests_client_ix').on('open311_requests').columns(['client_hash', 'created_at']).execute();

  await db.schema
    .createTable('public_report_secrets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_at', ts(db), (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('public_pow_spent')
    .addColumn('challenge_id', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', ts(db), (c) => c.notNull())
    .execute();
  await db.schema.createIndex('public_pow_spent_expires_ix').on('public_pow_spent').column('expires_at').execute();
}
