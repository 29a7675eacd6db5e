import { type Kysely, sql } from 'kysely';
import { inList, real, ts } from './_dialect.js';

// Frozen in time: the value lists are copied here, not imported.
const ITEM_MODES = ['direct', 'separated'];
const POINT_KINDS = ['centre', 'branch', 'committee_window', 'building_window', 'self_service_zone', 'terminal'];
const POINT_STATUSES = ['planned', 'built', 'closed'];
const RECORD_STATUSES = ['accepted', 'handed_off', 'returned', 'completed', 'not_accepted', 'sent_back'];
const ASSIST_ROLES = ['none', 'assist', 'proxy'];
const DELIVERIES = ['on_site', 'post', 'electronic'];
const RATING_CHANNELS = ['qr', 'terminal', 'link', 'sms', 'hotline'];
const RESOLUTIONS = ['rectify', 'explain'];
const FEEDBACK = ['satisfied', 'basic', 'unsatisfied'];

/**
 * 一网通办: the service-item catalogue (versioned 办事指南), the service network (points, police
 * grids, sessions, items offered, staff), service records (办件) with logged ID reveals, and
 * 好差评 ratings whose bad ones run through the case loop.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('service_categories')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name_zh', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('ticket_prefix', 'text', (c) => c.notNull().check(sql`length(ticket_prefix) between 1 and 2`))
    .addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', ts(db), (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('service_items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('category_id', 'text', (c) => c.notNull().references('service_categories.id'))
    .addColumn('basic_code', 'text', (c) => c.notNull().unique())
    .addColumn('impl_code', 'text', (c) => c.notNull().unique())
    .addColumn('latest_version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1).check(sql`active in (0, 1)`))
    .addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', ts(db), (c) => c.notNull())
    .addColumn('updated_at', ts(db), (c) => c.notNull())
    .execute();
  await db.schema.createIndex('service_items_category_ix').on('service_items').columns(['category_id', 'sort_order']).execute();

  // One row per published version of an item's guide; a record points at the version it used.
  await db.schema
    .createTable('service_item_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('item_id', 'text', (c) => c.notNull().references('service_items.id'))
    .addColumn('version', 'integer', (c) => c.notNull().check(sql`version >= 1`))
    .addColumn('effective_from', 'text', (c) => c.notNull().check(sql`length(effective_from) = 10`))
    .addColumn('name_zh', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('item_type', 'text', (c) => c.notNull())
    .addColumn('department', 'text', (c) => c.notNull())
    .addColumn('legal_basis', 'text', (c) => c.notNull())
    .addColumn('conditions', 'text', (c) => c.notNull())
    .addColumn('materials', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('steps', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('legal_limit_days', 'integer', (c) => c.notNull().check(sql`legal_limit_days between 0 and 365`))
    .addColumn('promised_limit_days', 'integer', (c) => c.notNull().check(sql`promised_limit_days between 0 and 365`))
    .addColumn('fee', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('places_hours', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('visits', 'integer', (c) => c.notNull().check(sql`visits in (0, 1)`))
    .addColumn('citywide', 'integer', (c) => c.notNull().check(sql`citywide in (0, 1)`))
    .addColumn('mode', 'text', (c) => c.notNull().check(inList('mode', ITEM_MODES)))
    .addColumn('channels', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('assist_allowed', 'integer', (c) => c.notNull().check(sql`assist_allowed in (0, 1)`))
    .addColumn('proxy_allowed', 'integer', (c) => c.notNull().check(sql`proxy_allowed in (0, 1)`))
    .addColumn('consult_phone', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('complaint_phone', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('faq', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', ts(db), (c) => c.notNull())
    .addUniqueConstraint('service_item_versions_item_version_uq', ['item_id', 'version'])
    .addCheckConstraint('service_item_versions_limits_ck', sql`promised_limit_days <= legal_limit_days`)
    .execute();
  await db.schema.createIndex('service_item_versions_item_from_ix').on('service_item_versions').columns(['item_id', 'effective_from']).execute();

  // 警务网格: the district's police-based grids (35 in Changning), a layer of their own.
  await db.schema
    .createTable('service_grids')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('district_id', 'text', (c) => c.notNull().references('districts.id'))
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('lng', real(db), (c) => c.notNull().check(sql`lng between -180 and 180`))
    .addColumn('lat', real(db), (c) => c.notNull().check(sql`lat between -90 and 90`))
    .addColumn('created_at', ts(db), (c) => c.notNull())
    .execute();
  await db.schema.createIndex('service_grids_sub_ix').on('service_grids').columns(['subdistrict_id']).execute();

  await db.schema
    .createTable('service_points')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('committee_id', 'text', (c) => c.references('committees.id'))
    .addColumn('grid_id', 'text', (c) => c.references('service_grids.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(inList('kind', POINT_KINDS)))
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('building', 'text')
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('lng', real(db), (c) => c.notNull().check(sql`lng between -180 and 180`))
    .addColumn('lat', real(db), (c) => c.notNull().check(sql`lat between -90 and 90`))
    .addColumn('phone', 'text')
    .addColumn('staffed', 'integer', (c) => c.notNull().check(sql`staffed in (0, 1)`))
    .addColumn('status', 'text', (c) => c.notNull().check(inList('status', POINT_STATUSES)))
    .addColumn('planned_on', 'text')
    .addColumn('target_on', 'text')
    .addColumn('built_on', 'text')
    .addColumn('closed_on', 'text')
    .addColumn('terminal_token_hash', 'text', (c) => c.unique())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', ts(db), (c) => c.notNull())
    .addColumn('updated_at', ts(db), (c) => c.notNull())
    .addCheckConstraint('service_points_committee_ck', sql`kind <> 'committee_window' or committee_id is not null`)
    .addCheckConstraint('service_points_built_ck', sql`status <> 'built' or built_on is not null`)
    .addCheckConstraint('service_points_closed_ck', sql`status <> 'closed' or closed_on is not null`)
    .execute();
  await db.schema.createIndex('service_points_sub_kind_ix').on('service_points').columns(['subdistrict_id', 'kind', 'status']).execute();
  await db.schema.createIndex('service_points_grid_ix').on('service_points').columns(['grid_id', 'kind', 'status']).execute();

  // Opening sessions: a weekly pattern (1 = Monday … 7 = Sunday) with a booking capacity.
  await db.schema
    .createTable('service_point_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('point_id', 'text', (c) => c.notNull().references('service_points.id'))
    .addColumn('weekday', 'integer', (c) => c.notNull().check(sql`weekday between 1 and 7`))
    .addColumn('starts', 'text', (c) => c.notNull().check(sql`length(starts) = 5`))
    .addColumn('ends', 'text', (c) => c.notNull().check(sql`length(ends) = 5`))
    .addColumn('capacity', 'integer', (c) => c.notNull().check(sql`capacity between 0 and 1000`))
    .addCheckConstraint('service_point_sessions_order_ck', sql`starts < ends`)
    .execute();
  await db.schema.createIndex('service_point_sessions_point_ix').on('service_point_sessions').columns(['point_id', 'weekday']).execute();

  await db.schema
    .createTable('service_point_items')
    .addColumn('point_id', 'text', (c) => c.notNull().references('service_points.id'))
    .addColumn('item_id', 'text', (c) => c.notNull().references('service_items.id'))
    .addPrimaryKeyConstraint('service_point_items_pk', ['point_id', 'item_id'])
    .execute();
  await db.schema.createIndex('service_point_items_item_ix').on('service_point_items').columns(['item_id', 'point_id']).execute();

  await db.schema
    .createTable('service_point_staff')
    .addColumn('point_id', 'text', (c) => c.notNull().references('service_points.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addPrimaryKeyConstraint('service_point_staff_pk', ['point_id', 'user_id'])
    .execute();
  await db.schema.createIndex('service_point_staff_user_ix').on('service_point_staff').columns(['user_id']).execute();

  // Per-subdistrict settings of the front office (rectification limit for 差评 set locally).
  await db.schema
    .createTable('service_settings')
    .addColumn('subdistrict_id', 'text', (c) => c.primaryKey().references('subdistricts.id'))
    .addColumn('bad_rating_days', 'integer', (c) => c.notNull().check(sql`bad_rating_days between 1 and 30`))
    .addColumn('rating_window_days', 'integer', (c) => c.notNull().check(sql`rating_window_days between 1 and 90`))
    .addColumn('no_show_grace_minutes', 'integer', (c) => c.notNull().check(sql`no_show_grace_minutes between 0 and 240`))
    .addColumn('updated_at', ts(db), (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('service_record_counters')
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('last', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('service_record_counters_pk', ['subdistrict_id', 'day'])
    .execute();

  await db.schema
    .createTable('service_records')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('committee_id', 'text', (c) => c.references('committees.id'))
    .addColumn('point_id', 'text', (c) => c.notNull().references('service_points.id'))
    .addColumn('item_id', 'text', (c) => c.notNull().references('service_items.id'))
    .addColumn('item_version_id', 'text', (c) => c.notNull().references('service_item_versions.id'))
    .addColumn('staff_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('applicant_name', 'text', (c) => c.notNull())
    .addColumn('applicant_id_number', 'text', (c) => c.notNull())
    .addColumn('applicant_phone', 'text')
    .addColumn('agent_name', 'text')
    .addColumn('agent_id_number', 'text')
    .addColumn('authorization_ref', 'text')
    .addColumn('assist_role', 'text', (c) => c.notNull().check(inList('assist_role', ASSIST_ROLES)))
    .addColumn('materials', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('deferred_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('mode', 'text', (c) => c.notNull().check(inList('mode', ITEM_MODES)))
    .addColumn('status', 'text', (c) => c.notNull().check(inList('status', RECORD_STATUSES)))
    .addColumn('result_reason', 'text')
    .addColumn('accepted_at', ts(db), (c) => c.notNull())
    .addColumn('due_at', ts(db), (c) => c.notNull())
    .addColumn('handed_off_at', ts(db))
    .addColumn('returned_at', ts(db))
    .addColumn('decided_at', ts(db))
    .addColumn('decided_by', 'text', (c) => c.references('users.id'))
    .addColumn('on_time', 'integer')
    .addColumn('delivery', 'text', (c) => c.check(sql`delivery is null or ${inList('delivery', DELIVERIES)}`))
    .addColumn('delivered_at', ts(db))
    .addColumn('appointment_id', 'text')
    .addColumn('ticket_id', 'text')
    .addColumn('rating_token_hash', 'text', (c) => c.unique())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', ts(db), (c) => c.notNull())
    .addCheckConstraint('service_records_proxy_ck', sql`assist_role <> 'proxy' or (agent_name is not null and agent_id_number is not null and authorization_ref is not null)`)
    .addCheckConstraint('service_records_reason_ck', sql`status not in ('not_accepted', 'sent_back') or result_reason is not null`)
    .execute();
  await db.schema.createIndex('service_records_point_ix').on('service_records').columns(['point_id', 'accepted_at']).execute();
  await db.schema.createIndex('service_records_sub_ix').on('service_records').columns(['subdistrict_id', 'accepted_at']).execute();
  await db.schema.createIndex('service_records_open_due_ix').on('service_records').columns(['subdistrict_id', 'decided_at', 'due_at']).execute();

  // Every time someone is shown a full ID number: who, which record, which field, when, why.
  await db.schema
    .createTable('service_id_reveals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('record_id', 'text', (c) => c.notNull().references('service_records.id'))
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('field', 'text', (c) => c.notNull().check(inList('field', ['applicant', 'agent'])))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('at', ts(db), (c) => c.notNull())
    .execute();
  await db.schema.createIndex('service_id_reveals_record_ix').on('service_id_reveals').columns(['record_id', 'at']).execute();

  await db.schema
    .createTable('service_ratings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('record_id', 'text', (c) => c.notNull().unique().references('service_records.id'))
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('committee_id', 'text', (c) => c.references('committees.id'))
    .addColumn('point_id', 'text', (c) => c.notNull().references('service_points.id'))
    .addColumn('item_id', 'text', (c) => c.notNull().references('service_items.id'))
    .addColumn('staff_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('level', 'integer', (c) => c.notNull().check(sql`level between 1 and 5`))
    .addColumn('scores', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('comment', 'text')
    .addColumn('named', 'integer', (c) => c.notNull().check(sql`named in (0, 1)`))
    .addColumn('channel', 'text', (c) => c.notNull().check(inList('channel', RATING_CHANNELS)))
    .addColumn('rated_at', ts(db), (c) => c.notNull())
    .addColumn('voided_at', ts(db))
    .addColumn('case_id', 'text', (c) => c.references('cases.id'))
    .execute();
  await db.schema.createIndex('service_ratings_sub_ix').on('service_ratings').columns(['subdistrict_id', 'rated_at']).execute();
  await db.schema.createIndex('service_ratings_point_ix').on('service_ratings').columns(['point_id', 'rated_at']).execute();

  // The 差评 loop beside its case: 回访, resolution, appeal (two people) and the rater's feedback.
  await db.schema
    .createTable('service_rating_followups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('rating_id', 'text', (c) => c.notNull().unique().references('service_ratings.id'))
    .addColumn('case_id', 'text', (c) => c.notNull().unique().references('cases.id'))
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('named', 'integer', (c) => c.notNull().check(sql`named in (0, 1)`))
    .addColumn('due_at', ts(db), (c) => c.notNull())
    .addColumn('callback_at', ts(db))
    .addColumn('callback_by', 'text', (c) => c.references('users.id'))
    .addColumn('callback_note', 'text')
    .addColumn('resolution', 'text', (c) => c.check(sql`resolution is null or ${inList('resolution', RESOLUTIONS)}`))
    .addColumn('resolved_at', ts(db))
    .addColumn('on_time', 'integer')
    .addColumn('appeal_reason', 'text')
    .addColumn('appeal_by', 'text', (c) => c.references('users.id'))
    .addColumn('appeal_at', ts(db))
    .addColumn('appeal_decided_by', 'text', (c) => c.references('users.id'))
    .addColumn('appeal_decided_at', ts(db))
    .addColumn('appeal_upheld', 'integer')
    .addColumn('feedback_token_hash', 'text', (c) => c.unique())
    .addColumn('feedback', 'text', (c) => c.check(sql`feedback is null or ${inList('feedback', FEEDBACK)}`))
    .addColumn('feedback_at', ts(db))
    .addColumn('updated_at', ts(db), (c) => c.notNull())
    .addCheckConstraint('service_rating_followups_appeal_ck', sql`appeal_decided_by is null or appeal_decided_by <> appeal_by`)
    .execute();
  await db.schema.createIndex('service_rating_followups_sub_ix').on('service_rating_followups').columns(['subdistrict_id', 'due_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'service_rating_followups', 'service_ratings', 'service_id_reveals', 'service_records', 'service_record_counters', 'service_settings',
    'service_point_staff', 'service_point_items', 'service_point_sessions', 'service_points', 'service_grids', 'service_item_versions',
    'service_items', 'service_categories',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
