import { type Kysely, sql } from 'kysely';
import { isPostgres, ts } from './_dialect.js';

// Frozen in time: the value lists are copied here, not imported.
const OLD_STAGES = ['opened', 'ordered', 'order_failed', 'noticed', 'notice_failed', 'decided', 'closed'];
const STAGES = [...OLD_STAGES, 'prior_noticed', 'hearing_requested', 'heard'];
const OLD_STEP_KINDS = ['order', 'reinspection', 'notice', 'decision', 'payment', 'dispatch', 'overdue'];
const STEP_KINDS = [...OLD_STEP_KINDS, 'prior_notice', 'statement', 'hearing_request', 'hearing'];
const OLD_DOC_KINDS = ['order', 'notice', 'decision'];
const DOC_KINDS = [...OLD_DOC_KINDS, 'prior_notice'];

/** (table, column, old values, new values): the CHECK lists this migration widens. */
const WIDEN: [string, string, string[], string[]][] = [
  ['enforcement_cases', 'stage', OLD_STAGES, STAGES],
  ['enforcement_steps', 'kind', OLD_STEP_KINDS, STEP_KINDS],
  ['enforcement_document_counters', 'kind', OLD_DOC_KINDS, DOC_KINDS],
  ['enforcement_documents', 'kind', OLD_DOC_KINDS, DOC_KINDS],
];

/**
 * The Administrative Penalty Law's procedure before a fine (行政处罚法 2021, arts. 44–45, 63–65):
 * a prior notice (行政处罚事先告知书, a numbered document), the party's statement and defence or
 * its waiver, a hearing request and hearing where the fine reaches the threshold of the legal
 * basis, then the decision. New ladder stages, step kinds and the document kind; the procedure's
 * clocks on the enforcement case; structured step details; the periods and hearing thresholds as
 * data; the officers' law-enforcement certificate number (执法证号) on staff.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await widen(db, 'up');
  await db.schema.alterTable('enforcement_cases').addColumn('proposed_fine', 'integer').execute();
  await db.schema.alterTable('enforcement_cases').addColumn('hearing_eligible', 'integer', (c) => c.check(sql`hearing_eligible is null or hearing_eligible in (0, 1)`)).execute();
  await db.schema.alterTable('enforcement_cases').addColumn('statement_ends_at', ts(db)).execute();
  await db.schema.alterTable('enforcement_cases').addColumn('hearing_request_ends_at', ts(db)).execute();
  // JSON of the step: findings (经查 facts), statement/waiver, hearing record, defence adoption.
  await db.schema.alterTable('enforcement_steps').addColumn('details', 'text', (c) => c.notNull().defaultTo('{}')).execute();
  await db.schema.alterTable('enforcement_settings').addColumn('statement_days', 'integer', (c) => c.notNull().defaultTo(3)).execute();
  await db.schema.alterTable('enforcement_settings').addColumn('hearing_request_days', 'integer', (c) => c.notNull().defaultTo(5)).execute();
  // JSON { default: n, byCategory: { code: n } }: suggested rectification period in working days.
  await db.schema.alterTable('enforcement_settings').addColumn('rectify_working_days', 'text', (c) => c.notNull().defaultTo('{"default":2,"byCategory":{}}')).execute();
  // JSON { unit: n, individual: n }: the fine from which the party may request a hearing.
  await db.schema.alterTable('legal_basis_versions').addColumn('hearing_thresholds', 'text').execute();
  await db.schema.alterTable('users').addColumn('cert_number', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('cert_number').execute();
  await db.schema.alterTable('legal_basis_versions').dropColumn('hearing_thresholds').execute();
  for (const c of ['rectify_working_days', 'hearing_request_days', 'statement_days']) await db.schema.alterTable('enforcement_settings').dropColumn(c).execute();
  await db.schema.alterTable('enforcement_steps').dropColumn('details').execute();
  for (const c of ['hearing_request_ends_at', 'statement_ends_at', 'hearing_eligible', 'proposed_fine']) await db.schema.alterTable('enforcement_cases').dropColumn(c).execute();
  await widen(db, 'down');
}

const list = (column: string, values: readonly string[]) => `${column} in (${values.map((v) => `'${v}'`).join(', ')})`;

async function widen(db: Kysely<any>, dir: 'up' | 'down') {
  if (isPostgres(db)) {
    for (const [table, column, older, newer] of WIDEN) {
      const values = dir === 'up' ? newer : older;
      await sql.raw(`alter table ${table} drop constraint ${table}_${column}_check`).execute(db);
      await sql.raw(`alter table ${table} add constraint ${table}_${column}_check check (${list(column, values)})`).execute(db);
    }
    return;
  }
  // SQLite cannot change a CHECK constraint in place. Each table is copied aside, dropped and
  // created again from its own stored DDL with the list replaced, in one transaction; foreign
  // keys are checked at commit (rows referencing the table find their parents again by then).
  await db.transaction().execute(async (trx) => {
    await sql`pragma defer_foreign_keys = on`.execute(trx);
    for (const [table, column, older, newer] of WIDEN) {
      const [from, to] = dir === 'up' ? [older, newer] : [newer, older];
      const ddl = (await sql<{ sql: string }>`select sql from sqlite_master where type = 'table' and name = ${table}`.execute(trx)).rows[0]!.sql;
      const oldCheck = list(column, from);
      if (!ddl.includes(oldCheck)) throw new Error(`${table}: ${oldCheck} not found in its DDL`);
      const indexes = (await sql<{ sql: string }>`select sql from sqlite_master where type = 'index' and tbl_name = ${table} and sql is not null`.execute(trx)).rows;
      await sql.raw(`create table ${table}__copy as select * from ${table}`).execute(trx);
      await sql.raw(`drop table ${table}`).execute(trx);
      await sql.raw(ddl.replace(oldCheck, list(column, to))).execute(trx);
      await sql.raw(`insert into ${table} select * from ${table}__copy`).execute(trx);
      await sql.raw(`drop table ${table}__copy`).execute(trx);
      for (const ix of indexes) await sql.raw(ix.sql).execute(trx);
    }
  });
}
