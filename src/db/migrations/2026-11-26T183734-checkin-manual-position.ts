import { type Kysely, sql } from 'kysely';
import { inList, isPostgres, real, ts } from './_dialect.js';

// Frozen in time: the value lists are copied here, not imported.
const OLD_METHODS = ['gps', 'qr'];
const METHODS = ['gps', 'qr', 'manual'];
const STATUSES = ['on_site', 'off_site'];
const MANUAL_REASONS = ['geolocation_denied', 'weak_signal', 'indoor_no_fix', 'other'];

const INDEXES: [string, string[]][] = [
  ['checkins_sub_date_ix', ['subdistrict_id', 'local_date', 'committee_id']],
  ['checkins_site_window_ix', ['site_id', 'window_key', 'status']],
  ['checkins_user_date_ix', ['user_id', 'local_date']],
  ['checkins_cov_ix', ['subdistrict_id', 'local_date', 'status', 'in_window', 'committee_id', 'site_id', 'window_key']],
];

const COLUMNS = [
  'id', 'subdistrict_id', 'committee_id', 'site_id', 'user_id', 'local_date', 'window_key', 'in_window', 'method', 'status',
  'off_site_reason', 'lat', 'lng', 'accuracy_m', 'distance_m', 'photo_id', 'device_time', 'first_at', 'last_at', 'repeat_count',
  'last_photo_id', 'evidence_flags',
];

/**
 * A third check-in method, 'manual': the phone has no position (refused, weak signal, indoors),
 * the person confirms they are at the bin room and says why (manual_reason from a short list,
 * manual_note free text). A manual row always carries its reason.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await sql`alter table checkins drop constraint checkins_method_check`.execute(db);
    await sql`alter table checkins add constraint checkins_method_check check (${inList('method', METHODS)})`.execute(db);
    await db.schema.alterTable('checkins').addColumn('manual_reason', 'text', (c) => c.check(sql`manual_reason is null or ${inList('manual_reason', MANUAL_REASONS)}`)).execute();
    await db.schema.alterTable('checkins').addColumn('manual_note', 'text').execute();
    await sql`alter table checkins add constraint checkins_manual_reason_ck check (method <> 'manual' or manual_reason is not null)`.execute(db);
    return;
  }
  // SQLite cannot change a CHECK constraint in place: rebuild the table in one transaction.
  await db.transaction().execute(async (trx) => {
    await rebuildSqlite(trx, METHODS, true);
    await sql.raw(`insert into checkins_next (${COLUMNS.join(', ')}) select ${COLUMNS.join(', ')} from checkins`).execute(trx);
    await swapSqlite(trx);
  });
}

export async function down(db: Kysely<any>): Promise<void> {
  // Manual check-ins cannot be expressed in the old schema; they are removed on the way down.
  if (isPostgres(db)) {
    await db.deleteFrom('checkins').where('method', '=', 'manual').execute();
    await sql`alter table checkins drop constraint checkins_manual_reason_ck`.execute(db);
    await db.schema.alterTable('checkins').dropColumn('manual_note').execute();
    await db.schema.alterTable('checkins').dropColumn('manual_reason').execute();
    await sql`alter table checkins drop constraint checkins_method_check`.execute(db);
    await sql`alter table checkins add constraint checkins_method_check check (${inList('method', OLD_METHODS)})`.execute(db);
    return;
  }
  await db.transaction().execute(async (trx) => {
    await rebuildSqlite(trx, OLD_METHODS, false);
    await sql.raw(`insert into checkins_next (${COLUMNS.join(', ')}) select ${COLUMNS.join(', ')} from checkins where method <> 'manual'`).execute(trx);
    await swapSqlite(trx);
  });
}

async function rebuildSqlite(db: Kysely<any>, methods: string[], manual: boolean) {
  let t = db.schema
    .createTable('checkins_next')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('committee_id', 'text', (c) => c.notNull().references('committees.id'))
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('local_date', 'text', (c) => c.notNull())
    .addColumn('window_key', 'text', (c) => c.notNull())
    .addColumn('in_window', 'integer', (c) => c.notNull().check(sql`in_window in (0, 1)`))
    .addColumn('method', 'text', (c) => c.notNull().check(inList('method', methods)))
    .addColumn('status', 'text', (c) => c.notNull().check(inList('status', STATUSES)))
    .addColumn('off_site_reason', 'text')
    .addColumn('lat', real(db))
    .addColumn('lng', real(db))
    .addColumn('accuracy_m', real(db))
    .addColumn('distance_m', real(db))
    .addColumn('photo_id', 'text', (c) => c.notNull())
    .addColumn('device_time', ts(db))
    .addColumn('first_at', ts(db), (c) => c.notNull())
    .addColumn('last_at', ts(db), (c) => c.notNull())
    .addColumn('repeat_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_photo_id', 'text')
    .addColumn('evidence_flags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addUniqueConstraint('checkins_site_user_window_uq', ['site_id', 'user_id', 'window_key']);
  if (manual) {
    t = t
      .addColumn('manual_reason', 'text', (c) => c.check(sql`manual_reason is null or ${inList('manual_reason', MANUAL_REASONS)}`))
      .addColumn('manual_note', 'text')
      .addCheckConstraint('checkins_manual_reason_ck', sql`method <> 'manual' or manual_reason is not null`);
  }
  await t.execute();
}

async function swapSqlite(db: Kysely<any>) {
  await db.schema.dropTable('checkins').execute();
  await db.schema.alterTable('checkins_next').renameTo('checkins').execute();
  for (const [name, cols] of INDEXES) await db.schema.createIndex(name).on('checkins').columns(cols).execute();
}
