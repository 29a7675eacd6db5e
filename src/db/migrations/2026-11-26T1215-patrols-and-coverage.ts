import { type Kysely, sql } from 'kysely';
import { inList, real, ts } from './_dialect.js';

// Frozen in time: the value lists are copied here, not imported.
const SITE_KINDS = ['bin_room', 'institution', 'shop'];
const ANSWERS = ['pass', 'fail', 'na'];
const RESOLUTIONS = ['fixed', 'reported'];
const CHECKIN_METHODS = ['gps', 'qr'];
const CHECKIN_STATUSES = ['on_site', 'off_site'];
const OUTCOMES = ['pass', 'fail'];
const GRADES = ['red', 'yellow', 'green'];
const RECORD_KINDS = ['checkin', 'inspection'];

export async function up(db: Kysely<any>): Promise<void> {
  // A checklist version is immutable once created; a new version is a new row with its own items.
  await db.schema
    .createTable('checklists')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('site_kind', 'text', (c) => c.notNull().check(inList('site_kind', SITE_KINDS)))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', ts(db), (c) => c.notNull())
    .addUniqueConstraint('checklists_sub_kind_version_uq', ['subdistrict_id', 'site_kind', 'version'])
    .execute();

  await db.schema
    .createTable('checklist_items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('checklist_id', 'text', (c) => c.notNull().references('checklists.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('text_en', 'text', (c) => c.notNull())
    .addColumn('photo_required_on_fail', 'integer', (c) => c.notNull().defaultTo(1).check(sql`photo_required_on_fail in (0, 1)`))
    .addUniqueConstraint('checklist_items_code_uq', ['checklist_id', 'code'])
    .execute();

  // One row per site + person + disposal window; repeats in the window fold into it.
  await db.schema
    .createTable('checkins')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('committee_id', 'text', (c) => c.notNull().references('committees.id'))
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('local_date', 'text', (c) => c.notNull())
    .addColumn('window_key', 'text', (c) => c.notNull())
    .addColumn('in_window', 'integer', (c) => c.notNull().check(sql`in_window in (0, 1)`))
    .addColumn('method', 'text', (c) => c.notNull().check(inList('method', CHECKIN_METHODS)))
    .addColumn('status', 'text', (c) => c.notNull().check(inList('status', CHECKIN_STATUSES)))
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
    .addUniqueConstraint('checkins_site_user_window_uq', ['site_id', 'user_id', 'window_key'])
    .execute();
  await db.schema.createIndex('checkins_sub_date_ix').on('checkins').columns(['subdistrict_id', 'local_date', 'committee_id']).execute();
  await db.schema.createIndex('checkins_site_window_ix').on('checkins').columns(['site_id', 'window_key', 'status']).execute();
  await db.schema.createIndex('checkins_user_date_ix').on('checkins').columns(['user_id', 'local_date']).execute();

  // subject = 'site' for the bin room's own row, or the responsible cadre's user id.
  await db.schema
    .createTable('checkin_misses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('committee_id', 'text', (c) => c.notNull().references('committees.id'))
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.references('users.id'))
    .addColumn('local_date', 'text', (c) => c.notNull())
    .addColumn('window_key', 'text', (c) => c.notNull())
    .addColumn('window_end_at', ts(db), (c) => c.notNull())
    .addColumn('created_at', ts(db), (c) => c.notNull())
    .addUniqueConstraint('checkin_misses_uq', ['site_id', 'window_key', 'subject'])
    .execute();
  await db.schema.createIndex('checkin_misses_sub_date_ix').on('checkin_misses').columns(['subdistrict_id', 'local_date', 'committee_id']).execute();

  await db.schema
    .createTable('patrol_job_cursors')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('cursor_at', ts(db), (c) => c.notNull())
    .addColumn('updated_at', ts(db), (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('campaigns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('site_kinds', 'text', (c) => c.notNull())
    .addColumn('committee_ids', 'text')
    .addColumn('start_date', 'text', (c) => c.notNull())
    .addColumn('end_date', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', ts(db), (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('inspections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('committee_id', 'text', (c) => c.notNull().references('committees.id'))
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
    .addColumn('site_kind', 'text', (c) => c.notNull().check(inList('site_kind', SITE_KINDS)))
    .addColumn('checklist_id', 'text', (c) => c.notNull().references('checklists.id'))
    .addColumn('inspector_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('outcome', 'text', (c) => c.notNull().check(inList('outcome', OUTCOMES)))
    .addColumn('failed_count', 'integer', (c) => c.notNull())
    .addColumn('unresolved_count', 'integer', (c) => c.notNull())
    .addColumn('lat', real(db))
    .addColumn('lng', real(db))
    .addColumn('accuracy_m', real(db))
    .addColumn('note', 'text')
    .addColumn('local_date', 'text', (c) => c.notNull())
    .addColumn('recorded_at', ts(db), (c) => c.notNull())
    .addColumn('evidence_flags', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await db.schema.createIndex('inspections_site_ix').on('inspections').columns(['site_id', 'recorded_at']).execute();
  await db.schema.createIndex('inspections_sub_date_ix').on('inspections').columns(['subdistrict_id', 'local_date', 'committee_id']).execute();
  await db.schema.createIndex('inspections_inspector_ix').on('inspections').columns(['inspector_id', 'local_date']).execute();

  await db.schema
    .createTable('inspection_answers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('inspection_id', 'text', (c) => c.notNull().references('inspections.id'))
    .addColumn('item_id', 'text', (c) => c.notNull().references('checklist_items.id'))
    .addColumn('result', 'text', (c) => c.notNull().check(inList('result', ANSWERS)))
    .addColumn('note', 'text')
    .addColumn('photo_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('after_photo_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('resolution', 'text', (c) => c.check(sql`resolution is null or ${inList('resolution', RESOLUTIONS)}`))
    .addUniqueConstraint('inspection_answers_item_uq', ['inspection_id', 'item_id'])
    .execute();

  // Both directions of the inspection ↔ case link.
  await db.schema
    .createTable('inspection_cases')
    .addColumn('inspection_id', 'text', (c) => c.notNull().references('inspections.id'))
    .addColumn('answer_id', 'text', (c) => c.notNull().references('inspection_answers.id'))
    .addColumn('case_id', 'text', (c) => c.notNull().unique())
    .addColumn('resolution', 'text', (c) => c.notNull().check(inList('resolution', RESOLUTIONS)))
    .addPrimaryKeyConstraint('inspection_cases_pk', ['inspection_id', 'answer_id'])
    .execute();

  await db.schema
    .createTable('inspection_intervals')
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('site_kind', 'text', (c) => c.notNull().check(inList('site_kind', SITE_KINDS)))
    .addColumn('grade', 'text', (c) => c.notNull().check(inList('grade', GRADES)))
    .addColumn('days', 'integer', (c) => c.notNull().check(sql`days between 1 and 366`))
    .addColumn('updated_at', ts(db), (c) => c.notNull())
    .addPrimaryKeyConstraint('inspection_intervals_pk', ['subdistrict_id', 'site_kind', 'grade'])
    .execute();

  // Current grade and schedule per site (one row once a site has been graded or inspected).
  await db.schema
    .createTable('site_compliance')
    .addColumn('site_id', 'text', (c) => c.primaryKey().references('sites.id'))
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('committee_id', 'text', (c) => c.notNull().references('committees.id'))
    .addColumn('site_kind', 'text', (c) => c.notNull().check(inList('site_kind', SITE_KINDS)))
    .addColumn('grade', 'text', (c) => c.notNull().check(inList('grade', GRADES)))
    .addColumn('grade_since', ts(db), (c) => c.notNull())
    .addColumn('last_inspected_at', ts(db))
    .addColumn('next_due_at', ts(db), (c) => c.notNull())
    .addColumn('updated_at', ts(db), (c) => c.notNull())
    .execute();
  await db.schema.createIndex('site_compliance_sub_due_ix').on('site_compliance').columns(['subdistrict_id', 'site_kind', 'next_due_at']).execute();

  await db.schema
    .createTable('site_grade_changes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('committee_id', 'text', (c) => c.notNull().references('committees.id'))
    .addColumn('from_grade', 'text', (c) => c.check(sql`from_grade is null or ${inList('from_grade', GRADES)}`))
    .addColumn('to_grade', 'text', (c) => c.notNull().check(inList('to_grade', GRADES)))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('changed_at', ts(db), (c) => c.notNull())
    .execute();
  await db.schema.createIndex('site_grade_changes_site_ix').on('site_grade_changes').columns(['site_id', 'changed_at']).execute();

  // Every use of a photo as evidence, so a re-used picture (same content hash) is caught.
  await db.schema
    .createTable('evidence_photo_uses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('photo_id', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('record_kind', 'text', (c) => c.notNull().check(inList('record_kind', RECORD_KINDS)))
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('used_at', ts(db), (c) => c.notNull())
    .execute();
  await db.schema.createIndex('evidence_photo_uses_sha_ix').on('evidence_photo_uses').columns(['sha256', 'record_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'evidence_photo_uses', 'site_grade_changes', 'site_compliance', 'inspection_intervals', 'inspection_cases',
    'inspection_answers', 'inspections', 'campaigns', 'patrol_job_cursors', 'checkin_misses', 'checkins',
    'checklist_items', 'checklists',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
