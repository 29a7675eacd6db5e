import type { Kysely } from 'kysely';

// The hash the chain head had before its last move (the prev_hash of the subdistrict's last event).
// On PostgreSQL an event is appended by one upsert of the head that computes the new hash from the
// locked row and returns both (RETURNING gives only new values, so the old hash is kept here).
// Nullable: heads written before, and by bulk loaders, have none; nothing reads it for checking.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('chain_heads').addColumn('prev_hash', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('chain_heads').dropColumn('prev_hash').execute();
}
