import type { Kysely } from 'kysely';

// Accounts (issue 12, point 5): an account an administrator creates or whose password an
// administrator resets must choose its own password at first sign-in; a session whose user's role
// or scope changed gets a new id on its next request (the old cookie stops working).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('sessions').addColumn('rotate_pending', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.createIndex('sessions_user_id_ix').on('sessions').column('user_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('sessions_user_id_ix').execute();
  await db.schema.alterTable('sessions').dropColumn('rotate_pending').execute();
  await db.schema.alterTable('users').dropColumn('must_change_password').execute();
}
