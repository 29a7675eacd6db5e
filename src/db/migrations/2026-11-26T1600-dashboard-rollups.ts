import type { Kysely } from 'kysely';
import { ts } from './_dialect.js';

// Frozen in time: the counter list is copied here, not imported.
const COUNTERS = [
  'found', 'reported', 'self_resolved', 'filed', 'cancelled', 'dispatched', 'redispatched', 'handled', 'handled_on_time',
  'rework', 'check_failed', 'closed', 'closed_on_time', 'enforcement_closed', 'reopened', 'merged', 'overdue', 'handle_overdue',
  'holds', 'hold_released', 'extension_requests', 'extensions', 'close_minutes',
  'h0', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7', 'h8', 'h9', 'h10', 'h11',
];

/** Rollup grains: table → key columns (all text, '' for "none"). */
const GRAINS: Record<string, string[]> = {
  case_rollups_daily: ['day', 'subdistrict_id', 'committee_id', 'grid_id', 'category_id', 'source', 'unit_id'],
  case_rollups_committee_daily: ['day', 'subdistrict_id', 'committee_id'],
  case_rollups_subdistrict_daily: ['day', 'subdistrict_id'],
  case_rollups_unit_daily: ['day', 'subdistrict_id', 'unit_id'],
  case_rollups_category_daily: ['day', 'subdistrict_id', 'category_code'],
  case_rollups_person_daily: ['day', 'subdistrict_id', 'committee_id', 'user_id'],
  case_rollups_hourly: ['hour', 'subdistrict_id', 'committee_id'],
};

export async function up(db: Kysely<any>): Promise<void> {
  for (const [table, keys] of Object.entries(GRAINS)) {
    let t = db.schema.createTable(table);
    for (const k of keys) t = t.addColumn(k, 'text', (c) => c.notNull());
    for (const c of COUNTERS) t = t.addColumn(c, c === 'close_minutes' ? 'bigint' : 'integer', (col) => col.notNull().defaultTo(0));
    await t.addPrimaryKeyConstraint(`${table}_pk`, keys as any).execute();
    // Reads filter on scope first, then on the day (or hour) range.
    const time = keys[0] as string;
    await db.schema.createIndex(`${table}_sub_time_ix`).on(table).columns(['subdistrict_id', time]).execute();
    if (keys.includes('committee_id')) await db.schema.createIndex(`${table}_com_time_ix`).on(table).columns(['committee_id', time]).execute();
  }

  // Per-subdistrict position in the case_events hash chain already folded into the rollups.
  await db.schema
    .createTable('rollup_cursors')
    .addColumn('subdistrict_id', 'text', (c) => c.primaryKey().references('subdistricts.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('updated_at', ts(db), (c) => c.notNull())
    .execute();

  // What the rollup fold must remember about a case between its events (unit, deadlines, rework).
  await db.schema
    .createTable('case_rollup_state')
    .addColumn('case_id', 'text', (c) => c.primaryKey())
    .addColumn('subdistrict_id', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('handle_due_at', 'text')
    .addColumn('check_due_at', 'text')
    .addColumn('failed_unit_id', 'text')
    .addColumn('handled_on_time', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('overdue_ever', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  // Composite-score weights and grade bands per subdistrict (JSON); absent = the defaults in code.
  await db.schema
    .createTable('dashboard_settings')
    .addColumn('subdistrict_id', 'text', (c) => c.primaryKey().references('subdistricts.id'))
    .addColumn('weights', 'text', (c) => c.notNull())
    .addColumn('updated_at', ts(db), (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['dashboard_settings', 'case_rollup_state', 'rollup_cursors', ...Object.keys(GRAINS)]) {
    await db.schema.dropTable(t).execute();
  }
}
