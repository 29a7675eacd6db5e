import type { Kysely } from 'kysely';

// Frozen in time: the counter list is copied here, not imported.
const COUNTERS = [
  'found', 'reported', 'self_resolved', 'filed', 'cancelled', 'dispatched', 'redispatched', 'handled', 'handled_on_time',
  'rework', 'check_failed', 'closed', 'closed_on_time', 'enforcement_closed', 'reopened', 'merged', 'overdue', 'handle_overdue',
  'holds', 'hold_released', 'extension_requests', 'extensions', 'close_minutes',
  'h0', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7', 'h8', 'h9', 'h10', 'h11',
];

/**
 * City-scale rollups, so a citywide dashboard reads a few thousand rows:
 * - case_rollups_district_category_daily: the category breakdown of a whole district per day
 *   (catalogue codes are shared), instead of one row per subdistrict, category and day;
 * - case_rollups_unit_cum: per handling unit, the counters summed from its first event through
 *   each day (one row per unit and day up to its subdistrict's last event day), so any window of
 *   a unit is two rows (through `to` minus through the day before `from`), whatever its length.
 */
const GRAINS: Record<string, string[]> = {
  case_rollups_district_category_daily: ['day', 'district_id', 'category_code'],
  case_rollups_unit_cum: ['subdistrict_id', 'day', 'unit_id'],
};

export async function up(db: Kysely<any>): Promise<void> {
  for (const [table, keys] of Object.entries(GRAINS)) {
    let t = db.schema.createTable(table);
    for (const k of keys) t = t.addColumn(k, 'text', (c) => c.notNull());
    for (const c of COUNTERS) t = t.addColumn(c, c === 'close_minutes' ? 'bigint' : 'integer', (col) => col.notNull().defaultTo(0));
    await t.addPrimaryKeyConstraint(`${table}_pk`, keys as any).execute();
  }
  await db.schema.createIndex('case_rollups_district_category_daily_d_ix').on('case_rollups_district_category_daily').columns(['district_id', 'day']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of Object.keys(GRAINS)) await db.schema.dropTable(t).execute();
}
