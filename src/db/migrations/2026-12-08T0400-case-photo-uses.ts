import { type Kysely, sql } from 'kysely';
import { inList, isPostgres, ts } from './_dialect.js';

// Frozen in time: the value lists are copied here, not imported.
const OLD_KINDS = ['checkin', 'inspection'];
const KINDS = ['checkin', 'inspection', 'case'];
const COLUMNS = ['id', 'subdistrict_id', 'photo_id', 'sha256', 'record_kind', 'record_id', 'used_at'];

/**
 * A self-resolved case's before and after photos are evidence too: their uses are remembered with
 * the check-ins' and inspections', so the same picture backing another record is caught.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await recreate(db, KINDS, null);
}

export async function down(db: Kysely<any>): Promise<void> {
  await recreate(db, OLD_KINDS, 'case');
}

async function recreate(db: Kysely<any>, kinds: string[], dropKind: string | null) {
  if (isPostgres(db)) {
    if (dropKind) await db.deleteFrom('evidence_photo_uses').where('record_kind', '=', dropKind).execute();
    await sql`alter table evidence_photo_uses drop constraint evidence_photo_uses_record_kind_check`.execute(db);
    await sql`alter table evidence_photo_uses add constraint evidence_photo_uses_record_kind_check check (${inList('record_kind', kinds)})`.execute(db);
    return;
  }
  // SQLite cannot change a CHECK constraint in place: rebuild the table in one transaction.
  await db.transaction().execute(async (trx) => {
    await trx.schema
      .createTable('evidence_photo_uses_next')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
      .addColumn('photo_id', 'text', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('record_kind', 'text', (c) => c.notNull().check(inList('record_kind', kinds)))
      .addColumn('record_id', 'text', (c) => c.notNull())
      .addColumn('used_at', ts(trx), (c) => c.notNull())
      .execute();
    const keep = dropKind ? ` where record_kind <> '${dropKind}'` : '';
    await sql.raw(`insert into evidence_photo_uses_next (${COLUMNS.join(', ')}) select ${COLUMNS.join(', ')} from evidence_photo_uses${keep}`).execute(trx);
    await trx.schema.dropTable('evidence_photo_uses').execute();
    await trx.schema.alterTable('evidence_photo_uses_next').renameTo('evidence_photo_uses').execute();
    await trx.schema.createIndex('evidence_photo_uses_sha_ix').on('evidence_photo_uses').columns(['sha256', 'record_id']).execute();
  });
}
