import type { Kysely } from 'kysely';

// KPIs count cases, not handlings (DOMAIN.md §4): a case is counted once among the handled
// (应结案 / 应处置). Handled again after 改派 by another unit, the count moves to that unit
// (the fold state remembers which unit and whether on time: handled_unit_id,
// handled_counted_on_time); a cancelled or merged case is taken out. Cancelled and merged cases
// lose the handling time a reopen left on them, so the case row says the same as the dashboard.
// The rollups are emptied and their cursors removed: the rollup job folds the whole event log
// again under the new rule (`closeloop rollups rebuild` does it in one go).
const ROLLUP_TABLES = [
  'case_rollups_daily', 'case_rollups_committee_daily', 'case_rollups_subdistrict_daily', 'case_rollups_unit_daily',
  'case_rollups_category_daily', 'case_rollups_person_daily', 'case_rollups_hourly', 'case_rollups_district_category_daily',
  'case_rollups_unit_cum', 'case_rollups_district_source_daily', 'case_rollups_district_hourly',
];

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('case_rollup_state').addColumn('handled_unit_id', 'text').execute();
  await db.schema.alterTable('case_rollup_state').addColumn('handled_counted_on_time', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.updateTable('cases').set({ handled_at: null, handled_on_time: null }).where('status', 'in', ['cancelled', 'merged']).execute();
  for (const t of ROLLUP_TABLES) await db.deleteFrom(t).execute();
  await db.deleteFrom('case_rollup_state').execute();
  await db.deleteFrom('rollup_cursors').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const c of ['handled_unit_id', 'handled_counted_on_time']) await db.schema.alterTable('case_rollup_state').dropColumn(c).execute();
}
