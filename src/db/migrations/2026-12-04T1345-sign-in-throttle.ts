import type { Kysely } from 'kysely';
import { ts } from './_dialect.js';

// Sign-in throttling that holds under concurrency and across instances: one row per throttled key
// (`u:<username>`, `ip:<address>`), claimed by a single conditional upsert before the password is
// checked. The sign-in log stays the record; this table is only the counter.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sign_in_throttle')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('window_start', ts(db), (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .execute();
  // Serves "sign-ins of this username since …" (support, audit) and the retention job's range delete.
  await db.schema.createIndex('sign_in_events_username_at_ix').on('sign_in_events').columns(['username', 'at']).execute();
  await db.schema.createIndex('sign_in_events_at_ix').on('sign_in_events').column('at').execute();
  await db.schema.createIndex('sessions_expires_at_ix').on('sessions').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('sessions_expires_at_ix').execute();
  await db.schema.dropIndex('sign_in_events_at_ix').execute();
  await db.schema.dropIndex('sign_in_events_username_at_ix').execute();
  await db.schema.dropTable('sign_in_throttle').execute();
}
