import type { Kysely } from 'kysely';
import { ts } from './_dialect.js';

// A check-in captured offline is timed at capture (its device time); the server's own receipt
// time is kept beside it so a late sync stays visible. Older rows have none (null).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('checkins').addColumn('received_at', ts(db)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('checkins').dropColumn('received_at').execute();
}
