import { type Kysely, sql } from 'kysely';
import { inList, ts } from './_dialect.js';

// Frozen in time: the value lists are copied here, not imported.
const CHECK_BY = ['reporter', 'committee', 'operations'];
const SPOT = ['pending', 'passed', 'failed'];

// Rules an audit checks (DOMAIN.md §4):
// - independent check: who a handled case waits on for its check (checker_user_id), chosen by the
//   category's policy (check_by) and never the handler nor staff of the handling unit;
// - holds pause the clock: the working time left when a hold began (held_remaining_ms) is what
//   the stage resumes with on release;
// - rework counted by the case: a failed check leaves rework_pending until the same unit handles
//   again (a re-dispatch elsewhere clears it: 改派 is not rework);
// - self-resolved cases are sampled for a spot check (抽查) by the operations centre, at a share
//   set per subdistrict (case_loop_settings, default 10 %).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('case_categories')
    .addColumn('check_by', 'text', (c) => c.notNull().defaultTo('reporter').check(inList('check_by', CHECK_BY)))
    .execute();
  await db.schema.alterTable('cases').addColumn('checker_user_id', 'text', (c) => c.references('users.id')).execute();
  await db.schema.alterTable('cases').addColumn('held_remaining_ms', 'bigint').execute();
  await db.schema.alterTable('cases').addColumn('rework_pending', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema
    .alterTable('cases')
    .addColumn('spot_check', 'text', (c) => c.check(sql`spot_check is null or ${inList('spot_check', SPOT)}`))
    .execute();
  await db.schema.alterTable('cases').addColumn('spot_checked_at', ts(db)).execute();
  await db.schema.alterTable('cases').addColumn('spot_checked_by', 'text', (c) => c.references('users.id')).execute();
  await db.schema.createIndex('cases_sub_spot_check_ix').on('cases').columns(['subdistrict_id', 'spot_check', 'id']).execute();
  await db.schema.createIndex('cases_checker_status_ix').on('cases').columns(['checker_user_id', 'status', 'id']).execute();
  await db.schema
    .createTable('case_loop_settings')
    .addColumn('subdistrict_id', 'text', (c) => c.primaryKey().references('subdistricts.id'))
    .addColumn('spot_check_percent', 'integer', (c) => c.notNull().defaultTo(10).check(sql`spot_check_percent between 0 and 100`))
    .addColumn('updated_at', ts(db), (c) => c.notNull())
    .execute();
  // Cases already waiting for a check wait on their reporter, as before.
  await db.updateTable('cases').set({ checker_user_id: sql`reporter_id` }).where('status', '=', 'handled').where('reporter_role', 'in', ['patrol', 'cadre']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('case_loop_settings').execute();
  await db.schema.dropIndex('cases_checker_status_ix').execute();
  await db.schema.dropIndex('cases_sub_spot_check_ix').execute();
  for (const c of ['spot_checked_by', 'spot_checked_at', 'spot_check', 'rework_pending', 'held_remaining_ms', 'checker_user_id']) {
    await db.schema.alterTable('cases').dropColumn(c).execute();
  }
  await db.schema.alterTable('case_categories').dropColumn('check_by').execute();
}
