import type { Kysely } from 'kysely';

/**
 * A citywide ranking of handling units reads, for one day per subdistrict, each unit's cumulative
 * score counters (case_rollups_unit_cum). This covering index answers it from contiguous index
 * pages instead of one table row (and page) per unit.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('case_rollups_unit_cum_score_ix')
    .on('case_rollups_unit_cum')
    .columns(['subdistrict_id', 'day', 'unit_id', 'handled', 'handled_on_time', 'closed', 'closed_on_time', 'rework'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('case_rollups_unit_cum_score_ix').execute();
}
