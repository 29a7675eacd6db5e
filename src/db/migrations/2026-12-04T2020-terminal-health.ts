import { type Kysely, sql } from 'kysely';
import { inList, ts } from './_dialect.js';

// Frozen in time: the value lists are copied here, not imported.
const TERMINAL_STATES = ['up', 'down'];
const OUTAGE_REASONS = ['silence', 'fault'];

/**
 * Self-service terminals as monitored sites: each terminal's health (last heartbeat, last fault,
 * up or down) and its outages, each outage linked to the maintenance case it opened. At most one
 * open outage per terminal: `open_point_id` holds the terminal while the outage is open and is
 * null once it ends, and it is unique (NULLs never collide on either engine), so a second opener
 * — another instance's job, a fault report racing the silence check — inserts nothing.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('service_terminals')
    .addColumn('point_id', 'text', (c) => c.primaryKey().references('service_points.id'))
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('token_issued_at', ts(db), (c) => c.notNull())
    .addColumn('token_issued_by', 'text', (c) => c.references('users.id'))
    .addColumn('last_seen_at', ts(db))
    .addColumn('last_heartbeat_at', ts(db))
    .addColumn('last_fault_at', ts(db))
    .addColumn('fault_code', 'text')
    .addColumn('fault_text', 'text')
    .addColumn('app_version', 'text')
    .addColumn('state', 'text', (c) => c.notNull().check(inList('state', TERMINAL_STATES)))
    .addColumn('down_reason', 'text', (c) => c.check(sql`down_reason is null or ${inList('down_reason', OUTAGE_REASONS)}`))
    .addColumn('down_since', ts(db))
    .addColumn('updated_at', ts(db), (c) => c.notNull())
    .addCheckConstraint('service_terminals_down_ck', sql`(state = 'down') = (down_since is not null)`)
    .execute();
  await db.schema.createIndex('service_terminals_sub_ix').on('service_terminals').columns(['subdistrict_id', 'state']).execute();
  await db.schema.createIndex('service_terminals_silence_ix').on('service_terminals').columns(['state', 'last_seen_at']).execute();

  await db.schema
    .createTable('service_terminal_outages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('point_id', 'text', (c) => c.notNull().references('service_points.id'))
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('open_point_id', 'text', (c) => c.unique().references('service_points.id'))
    .addColumn('reason', 'text', (c) => c.notNull().check(inList('reason', OUTAGE_REASONS)))
    .addColumn('fault_code', 'text')
    .addColumn('fault_text', 'text')
    .addColumn('started_at', ts(db), (c) => c.notNull())
    .addColumn('ended_at', ts(db))
    .addColumn('case_id', 'text', (c) => c.references('cases.id'))
    .addCheckConstraint('service_terminal_outages_open_ck', sql`(open_point_id is null) = (ended_at is not null) and (open_point_id is null or open_point_id = point_id)`)
    .execute();
  await db.schema.createIndex('service_terminal_outages_point_ix').on('service_terminal_outages').columns(['point_id', 'started_at']).execute();
  await db.schema.createIndex('service_terminal_outages_sub_ix').on('service_terminal_outages').columns(['subdistrict_id', 'started_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('service_terminal_outages').execute();
  await db.schema.dropTable('service_terminals').execute();
}
