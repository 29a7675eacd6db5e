import { type Kysely } from 'kysely';
import { inList, ts } from './_dialect.js';

// Frozen in time: the value list is copied here, not imported.
const OUTCOMES = ['done', 'abandoned'];

/**
 * What a self-service terminal did: one row per session a resident ran on it (the item, when it
 * began and ended, whether it was completed), reported by the terminal itself. The terminal's own
 * id for the session is unique per terminal, so a report sent twice is stored once. They make the
 * terminal's service times a figure beside the windows' (the newspaper's "three minutes").
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('service_terminal_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('point_id', 'text', (c) => c.notNull().references('service_points.id'))
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('committee_id', 'text')
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('item_id', 'text', (c) => c.notNull().references('service_items.id'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('started_at', ts(db), (c) => c.notNull())
    .addColumn('finished_at', ts(db), (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull().check(inList('outcome', OUTCOMES)))
    .addColumn('received_at', ts(db), (c) => c.notNull())
    .addUniqueConstraint('service_terminal_sessions_client_uq', ['point_id', 'client_id'])
    .execute();
  await db.schema.createIndex('service_terminal_sessions_sub_day_ix').on('service_terminal_sessions').columns(['subdistrict_id', 'day']).execute();
  await db.schema.createIndex('service_terminal_sessions_point_day_ix').on('service_terminal_sessions').columns(['point_id', 'day']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('service_terminal_sessions').execute();
}
