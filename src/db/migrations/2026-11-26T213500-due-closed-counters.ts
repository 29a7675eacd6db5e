import type { Kysely } from 'kysely';

// 结案数 counted among 应结案数 (egova): a closure is now also counted on the day the case was
// handled (`due_closed`, `due_closed_on_time`), so the closure rate of any window is at most 100 %.
// The fold state remembers when the counted handling happened. The rollups are emptied and their
// cursors removed: the rollup job folds the whole event log again under the new rule (readers
// see figures grow back as it catches up; `closeloop rollups rebuild` does it in one go).
const ROLLUP_TABLES = [
  'case_rollups_daily', 'case_rollups_committee_daily', 'case_rollups_subdistrict_daily', 'case_rollups_unit_daily',
  'case_rollups_category_daily', 'case_rollups_person_daily', 'case_rollups_hourly', 'case_rollups_district_category_daily',
  'case_rollups_unit_cum', 'case_rollups_district_source_daily', 'case_rollups_district_hourly',
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const t of ROLLUP_TABLES) {
    await db.schema.alterTable(t).addColumn('due_closed', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable(t).addColumn('due_closed_on_time', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.deleteFrom(t).execute();
  }
  await db.schema.alterTable('case_rollup_state').addColumn('handled_at', 'text').execute();
  await db.schema.alterTable('case_rollup_state').addColumn('due_closed_at', 'text').execute();
  await db.schema.alterTable('case_rollup_state').addColumn('due_closed_on_time', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.deleteFrom('case_rollup_state').execute();
  await db.deleteFrom('rollup_cursors').execute();
  // The unit rankings' covering index holds what the composite score reads, which is now these.
  await db.schema.dropIndex('case_rollups_unit_cum_score_ix').execute();
  await db.schema
    .createIndex('case_rollups_unit_cum_score_ix')
    .on('case_rollups_unit_cum')
    .columns(['subdistrict_id', 'day', 'unit_id', 'handled', 'handled_on_time', 'due_closed', 'due_closed_on_time', 'rework'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('case_rollups_unit_cum_score_ix').execute();
  await db.schema
    .createIndex('case_rollups_unit_cum_score_ix')
    .on('case_rollups_unit_cum')
    .columns(['subdistrict_id', 'day', 'unit_id', 'handled', 'handled_on_time', 'closed', 'closed_on_time', 'rework'])
    .execute();
  for (const t of ROLLUP_TABLES) {
    await db.schema.alterTable(t).dropColumn('due_closed').execute();
    await db.schema.alterTable(t).dropColumn('due_closed_on_time').execute();
  }
  for (const c of ['handled_at', 'due_closed_at', 'due_closed_on_time']) await db.schema.alterTable('case_rollup_state').dropColumn(c).execute();
}
