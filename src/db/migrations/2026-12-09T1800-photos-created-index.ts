import type { Kysely } from 'kysely';

/**
 * The unattached-photos purge (src/domain/photos/purge.ts) walks photos older than its cut-off
 * in upload order, a batch at a time: without this index each batch read every photo.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('photos_created_ix').on('photos').columns(['created_at', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('photos_created_ix').execute();
}
