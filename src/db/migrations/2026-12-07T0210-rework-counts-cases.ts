import type { Kysely } from 'kysely';

// 返工 counts cases, not handlings (DOMAIN.md §4 "KPIs count cases"): a case sent back by a failed
// check and handled again by the same unit counts once among the reworked, on the day and unit of
// its counted handling (moved and taken back with it), so 返工率 = reworked ÷ handled is a share
// of the period's handled cases and never above 100 % (a case handled one week and reworked the
// next made the second week's rate "1 of 0"). The fold remembers whether the case was reworked and
// whether its counted handling carries it; the rollups are emptied with their cursors and the
// rollup job folds the event log again (`closeloop rollups rebuild` does it in one go). The list
// is the rollup tables as they are on this date.
const ROLLUP_TABLES = [
  'case_rollups_daily', 'case_rollups_committee_daily', 'case_rollups_subdistrict_daily', 'case_rollups_unit_daily',
  'case_rollups_category_daily', 'case_rollups_person_daily', 'case_rollups_hourly', 'case_rollups_district_category_daily',
  'case_rollups_district_source_daily', 'case_rollups_district_hourly', 'case_rollups_unit_cum',
];

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('case_rollup_state').addColumn('reworked', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('case_rollup_state').addColumn('handled_counted_rework', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  for (const t of ROLLUP_TABLES) await db.deleteFrom(t).execute();
  await db.deleteFrom('case_rollup_state').execute();
  await db.deleteFrom('rollup_cursors').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const c of ['reworked', 'handled_counted_rework']) await db.schema.alterTable('case_rollup_state').dropColumn(c).execute();
}
