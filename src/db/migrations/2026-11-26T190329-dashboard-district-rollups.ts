import type { Kysely } from 'kysely';

// Frozen in time: the counter list is copied here, not imported.
const COUNTERS = [
  'found', 'reported', 'self_resolved', 'filed', 'cancelled', 'dispatched', 'redispatched', 'handled', 'handled_on_time',
  'rework', 'check_failed', 'closed', 'closed_on_time', 'enforcement_closed', 'reopened', 'merged', 'overdue', 'handle_overdue',
  'holds', 'hold_released', 'extension_requests', 'extensions', 'close_minutes',
  'h0', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7', 'h8', 'h9', 'h10', 'h11',
];

/**
 * District grains for viewers of whole districts (a city's operations centre): the day by source
 * (KPIs, daily lines, before/after, with or without a source filter) and the hour, so a citywide
 * answer reads tens of rows instead of one per subdistrict (and committee) and day.
 * Keyed district first: reads ask for a district and a time range.
 */
const GRAINS: Record<string, string[]> = {
  case_rollups_district_source_daily: ['district_id', 'day', 'source'],
  case_rollups_district_hourly: ['district_id', 'hour'],
};

export async function up(db: Kysely<any>): Promise<void> {
  for (const [table, keys] of Object.entries(GRAINS)) {
    let t = db.schema.createTable(table);
    for (const k of keys) t = t.addColumn(k, 'text', (c) => c.notNull());
    for (const c of COUNTERS) t = t.addColumn(c, c === 'close_minutes' ? 'bigint' : 'integer', (col) => col.notNull().defaultTo(0));
    await t.addPrimaryKeyConstraint(`${table}_pk`, keys as any).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of Object.keys(GRAINS)) await db.schema.dropTable(t).execute();
}
