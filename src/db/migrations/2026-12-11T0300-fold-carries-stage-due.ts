import type { Kysely } from 'kysely';

// KPIs count cases (DOMAIN.md §4), the same in a rebuild as in the live fold: case events written
// before every new stage named its due time left `stage_due_at` out when the new stage's equalled
// the stage before's. The fold now remembers the due time of the stage a case is in and carries
// it over to such a stage (else the handling's or check's on-time mark was read against a stale or
// missing due time). The rollups are emptied with their cursors and the rollup job folds the event
// log again (`closeloop rollups rebuild` does it in one go). The list is the rollup tables as they
// are on this date.
const ROLLUP_TABLES = [
  'case_rollups_daily', 'case_rollups_committee_daily', 'case_rollups_subdistrict_daily', 'case_rollups_unit_daily',
  'case_rollups_category_daily', 'case_rollups_person_daily', 'case_rollups_hourly', 'case_rollups_district_category_daily',
  'case_rollups_district_source_daily', 'case_rollups_district_hourly', 'case_rollups_unit_cum',
];

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('case_rollup_state').addColumn('stage_due_at', 'text').execute();
  for (const t of ROLLUP_TABLES) await db.deleteFrom(t).execute();
  await db.deleteFrom('case_rollup_state').execute();
  await db.deleteFrom('rollup_cursors').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('case_rollup_state').dropColumn('stage_due_at').execute();
}
