import { type Kysely, sql } from 'kysely';
import { inList, isPostgres, real, ts } from './_dialect.js';

// Frozen in time: the value lists are copied here, not imported.
const STAGES = ['opened', 'ordered', 'order_failed', 'noticed', 'notice_failed', 'decided', 'closed'];
const OUTCOMES = ['rectified', 'paid'];
const ORIGINS = ['inspection', 'case', 'direct'];
const STEP_KINDS = ['order', 'reinspection', 'notice', 'decision', 'payment', 'dispatch', 'overdue'];
const DOC_KINDS = ['order', 'notice', 'decision'];
const RESULTS = ['rectified', 'not_rectified'];
const ACKS = ['signed', 'refused', 'absent'];
const TASK_STATUSES = ['open', 'done', 'cancelled'];

export async function up(db: Kysely<any>): Promise<void> {
  const bytes = isPostgres(db) ? sql`bytea` : sql`blob`;

  // Per-subdistrict enforcement settings: office name, number patterns, repeat-offender rule.
  await db.schema
    .createTable('enforcement_settings')
    .addColumn('subdistrict_id', 'text', (c) => c.primaryKey().references('subdistricts.id'))
    .addColumn('office_name', 'text', (c) => c.notNull())
    .addColumn('agency_name', 'text', (c) => c.notNull())
    .addColumn('number_patterns', 'text', (c) => c.notNull())
    .addColumn('repeat_window_days', 'integer', (c) => c.notNull().check(sql`repeat_window_days between 1 and 3660`))
    .addColumn('repeat_starts_at_notice', 'integer', (c) => c.notNull().check(sql`repeat_starts_at_notice in (0, 1)`))
    .addColumn('payment_days', 'integer', (c) => c.notNull().check(sql`payment_days between 1 and 365`))
    .addColumn('reinspection_hours', 'integer', (c) => c.notNull().check(sql`reinspection_hours between 1 and 240`))
    .addColumn('signing_key', 'text', (c) => c.notNull())
    .addColumn('updated_at', ts(db), (c) => c.notNull())
    .execute();

  // Legal bases: a stable identity with versions; a document cites (freezes) one version.
  await db.schema
    .createTable('legal_bases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('current_version', 'integer', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().check(sql`active in (0, 1)`))
    .addColumn('created_at', ts(db), (c) => c.notNull())
    .addColumn('updated_at', ts(db), (c) => c.notNull())
    .addUniqueConstraint('legal_bases_sub_code_uq', ['subdistrict_id', 'code'])
    .execute();
  await db.schema
    .createTable('legal_basis_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('legal_basis_id', 'text', (c) => c.notNull().references('legal_bases.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('regulation_zh', 'text', (c) => c.notNull())
    .addColumn('regulation_en', 'text', (c) => c.notNull())
    .addColumn('article', 'text', (c) => c.notNull())
    .addColumn('clause', 'text')
    .addColumn('duty_zh', 'text', (c) => c.notNull())
    .addColumn('duty_en', 'text', (c) => c.notNull())
    .addColumn('penalty_zh', 'text', (c) => c.notNull())
    .addColumn('penalty_en', 'text', (c) => c.notNull())
    .addColumn('fine_min', 'integer', (c) => c.notNull().check(sql`fine_min >= 0`))
    .addColumn('fine_max', 'integer', (c) => c.notNull())
    .addColumn('bands', 'text', (c) => c.notNull())
    .addColumn('agency_zh', 'text', (c) => c.notNull())
    .addColumn('agency_en', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', ts(db), (c) => c.notNull())
    .addCheckConstraint('legal_basis_versions_range_ck', sql`fine_max >= fine_min`)
    .addUniqueConstraint('legal_basis_versions_uq', ['legal_basis_id', 'version'])
    .execute();

  await db.schema
    .createTable('enforcement_cases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('committee_id', 'text', (c) => c.notNull().references('committees.id'))
    .addColumn('site_id', 'text', (c) => c.references('sites.id'))
    .addColumn('party_id', 'text', (c) => c.notNull().references('responsible_parties.id'))
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('origin', 'text', (c) => c.notNull().check(inList('origin', ORIGINS)))
    .addColumn('inspection_id', 'text', (c) => c.references('inspections.id'))
    .addColumn('legal_basis_id', 'text', (c) => c.notNull().references('legal_bases.id'))
    .addColumn('facts', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull().check(inList('stage', STAGES)))
    .addColumn('outcome', 'text', (c) => c.check(sql`outcome is null or ${inList('outcome', OUTCOMES)}`))
    .addColumn('prior_violations', 'integer', (c) => c.notNull())
    .addColumn('deadline_at', ts(db))
    .addColumn('reinspect_at', ts(db))
    .addColumn('fine_amount', 'integer')
    .addColumn('payment_due_at', ts(db))
    .addColumn('overdue_at', ts(db))
    .addColumn('paid_at', ts(db))
    .addColumn('opened_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('opened_at', ts(db), (c) => c.notNull())
    .addColumn('closed_at', ts(db))
    .addColumn('updated_at', ts(db), (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addCheckConstraint('enforcement_cases_closed_ck', sql`(stage = 'closed') = (closed_at is not null and outcome is not null)`)
    .execute();
  await db.schema.createIndex('enforcement_cases_sub_stage_ix').on('enforcement_cases').columns(['subdistrict_id', 'stage', 'id']).execute();
  await db.schema.createIndex('enforcement_cases_party_ix').on('enforcement_cases').columns(['party_id', 'opened_at']).execute();
  await db.schema.createIndex('enforcement_cases_reinspect_ix').on('enforcement_cases').columns(['reinspect_at']).execute();
  await db.schema.createIndex('enforcement_cases_payment_ix').on('enforcement_cases').columns(['payment_due_at']).execute();
  await db.schema.createIndex('enforcement_cases_case_ix').on('enforcement_cases').columns(['case_id']).execute();

  await db.schema
    .createTable('enforcement_steps')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('enforcement_case_id', 'text', (c) => c.notNull().references('enforcement_cases.id'))
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(inList('kind', STEP_KINDS)))
    .addColumn('from_stage', 'text', (c) => c.notNull())
    .addColumn('to_stage', 'text', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.check(sql`result is null or ${inList('result', RESULTS)}`))
    .addColumn('actor_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('co_officer_id', 'text', (c) => c.references('users.id'))
    .addColumn('at', ts(db), (c) => c.notNull())
    .addColumn('lng', real(db))
    .addColumn('lat', real(db))
    .addColumn('accuracy_m', real(db))
    .addColumn('place', 'text')
    .addColumn('note', 'text')
    .addColumn('education_given', 'integer', (c) => c.check(sql`education_given is null or education_given in (0, 1)`))
    .addColumn('acknowledgement', 'text', (c) => c.check(sql`acknowledgement is null or ${inList('acknowledgement', ACKS)}`))
    .addColumn('deadline_at', ts(db))
    .addColumn('fine_amount', 'integer')
    .addColumn('photo_ids', 'text', (c) => c.notNull())
    .addColumn('document_id', 'text')
    .addColumn('event_id', 'text', (c) => c.references('case_events.id'))
    .execute();
  await db.schema.createIndex('enforcement_steps_case_ix').on('enforcement_steps').columns(['enforcement_case_id', 'at']).execute();
  await db.schema.createIndex('enforcement_steps_sub_kind_ix').on('enforcement_steps').columns(['subdistrict_id', 'kind', 'at']).execute();

  // Gap-free document numbers: one counter row per office (subdistrict), kind and year.
  await db.schema
    .createTable('enforcement_document_counters')
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(inList('kind', DOC_KINDS)))
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('last', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('enforcement_document_counters_pk', ['subdistrict_id', 'kind', 'year'])
    .execute();

  await db.schema
    .createTable('enforcement_documents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('enforcement_case_id', 'text', (c) => c.notNull().references('enforcement_cases.id'))
    .addColumn('step_id', 'text', (c) => c.notNull().references('enforcement_steps.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(inList('kind', DOC_KINDS)))
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('supersedes_id', 'text', (c) => c.references('enforcement_documents.id'))
    .addColumn('legal_basis_version_id', 'text', (c) => c.notNull().references('legal_basis_versions.id'))
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('content_sha256', 'text', (c) => c.notNull())
    .addColumn('verify_code', 'text', (c) => c.notNull().unique())
    .addColumn('pdf', bytes, (c) => c.notNull())
    .addColumn('pdf_sha256', 'text', (c) => c.notNull())
    .addColumn('issued_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('issued_at', ts(db), (c) => c.notNull())
    .addUniqueConstraint('enforcement_documents_number_uq', ['subdistrict_id', 'kind', 'year', 'seq', 'revision'])
    .execute();
  await db.schema.createIndex('enforcement_documents_case_ix').on('enforcement_documents').columns(['enforcement_case_id']).execute();

  // Re-inspection tasks dispatched (派单) to the enforcement team when a deadline passes.
  await db.schema
    .createTable('enforcement_tasks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('enforcement_case_id', 'text', (c) => c.notNull().references('enforcement_cases.id'))
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('deadline_at', ts(db), (c) => c.notNull())
    .addColumn('due_at', ts(db), (c) => c.notNull())
    .addColumn('assigned_unit_id', 'text', (c) => c.references('handling_units.id'))
    .addColumn('status', 'text', (c) => c.notNull().check(inList('status', TASK_STATUSES)))
    .addColumn('dispatched_at', ts(db), (c) => c.notNull())
    .addColumn('done_at', ts(db))
    .addColumn('done_step_id', 'text', (c) => c.references('enforcement_steps.id'))
    .addUniqueConstraint('enforcement_tasks_once_uq', ['enforcement_case_id', 'stage'])
    .execute();
  await db.schema.createIndex('enforcement_tasks_sub_due_ix').on('enforcement_tasks').columns(['subdistrict_id', 'status', 'due_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'enforcement_tasks', 'enforcement_documents', 'enforcement_document_counters', 'enforcement_steps',
    'enforcement_cases', 'legal_basis_versions', 'legal_bases', 'enforcement_settings',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
