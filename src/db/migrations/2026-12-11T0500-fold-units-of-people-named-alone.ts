import type { Kysely } from 'kysely';

// A case dispatched to a person by name and no unit (a committee cadre named alone, a 差评 sent to
// whoever served) belongs to that person's unit, as the independent check works it out (their
// handling unit, else the committee's own unit for a cadre, the enforcement team for an officer).
// The fold counted such a case against no unit: its handling, on-time marks and rework (返工) were
// missing from that unit's figures and ranking. The fold now works the unit out from the person,
// so the rollups are emptied with their cursors and the rollup job folds the event log again
// (`closeloop rollups rebuild` does it in one go). The list is the rollup tables as they are on
// this date.
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
  // Folded again by the rule before, the figures would only lose these cases' unit: nothing to undo.
}
