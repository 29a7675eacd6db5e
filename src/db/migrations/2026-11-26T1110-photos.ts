import type { Kysely } from 'kysely';
import { real, ts } from './_dialect.js';

export async function up(db: Kysely<any>): Promise<void> {
  // Photo metadata; the bytes live on disk, content-addressed by SHA-256 (storage_key).
  // The same bytes uploaded by the same person are one row; by different people, one file.
  await db.schema
    .createTable('photos')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subdistrict_id', 'text', (c) => c.references('subdistricts.id'))
    .addColumn('uploaded_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addColumn('width', 'integer')
    .addColumn('height', 'integer')
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addColumn('thumb_key', 'text')
    .addColumn('exif_taken_at', ts(db))
    .addColumn('exif_lat', real(db))
    .addColumn('exif_lng', real(db))
    .addColumn('created_at', ts(db), (c) => c.notNull())
    .addUniqueConstraint('photos_uploader_sha_uq', ['uploaded_by', 'sha256'])
    .execute();
  await db.schema.createIndex('photos_sha_ix').on('photos').column('sha256').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('photos').execute();
}
