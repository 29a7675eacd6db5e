import type { Kysely } from 'kysely';

// Cases ended outside the desk's steps are counted like the desk's own endings: a terminal back in
// service (`terminal_recovered`) closes its case as the enforcement ladder's `enforcement_close`
// does (closed, among the due, not on time), and a 差评 voided on appeal (`appeal_upheld`) cancels
// its case as `cancel` does. The rollups had folded terminal recoveries as nothing, so the
// dashboard missed those closures: they are emptied with their cursors and the rollup job folds
// the event log again (`closeloop rollups rebuild` does it in one go). The list is the rollup
// tables as they are on this date.
const ROLLUP_TABLES = [
  'case_rollups_daily', 'case_rollups_committee_daily', 'case_rollups_subdistrict_daily', 'case_rollups_unit_daily',
  'case_rollups_category_daily', 'case_rollups_person_daily', 'case_rollups_hourly', 'case_rollups_district_category_daily',
  'case_rollups_district_source_daily', 'case_rollups_district_hourly', 'case_rollups_unit_cum',
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const t of ROLLUP_TABLES) await db.deleteFrom(t).execute();
  await db.deleteFrom('case_rollup_state').execute();
  await db.deleteFrom('rollup_cursors').execute();
}

export async function down(): Promise<void> {
  // Derived data: nothing to undo (the rollup job folds again).
}
