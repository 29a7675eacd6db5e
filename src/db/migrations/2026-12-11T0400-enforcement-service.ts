import { type Kysely, sql } from 'kysely';
import { inList, ts } from './_dialect.js';

// Frozen in time: the value list is copied here, not imported.
const METHODS = ['direct', 'left_on_refusal', 'electronic_with_consent', 'post', 'public_notice'];

// Service (送达) of the document a step gave the party (民事诉讼法 arts. 87–95 via 行政处罚法 art. 61):
// how and when it was served, with its evidence (JSON). Null on a step issuing no document and on a
// document not yet served (the party was absent). Rows written before these columns were taken as
// served when issued: they get `served_at` = their time, method unknown. `unserved_step_id` names
// the ladder's current document while it is not served: none of the party's periods runs, and the
// step waiting on them is refused.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('enforcement_steps').addColumn('service_method', 'text', (c) => c.check(sql`service_method is null or ${inList('service_method', METHODS)}`)).execute();
  await db.schema.alterTable('enforcement_steps').addColumn('served_at', ts(db)).execute();
  await db.schema.alterTable('enforcement_steps').addColumn('service', 'text').execute();
  await db.schema.alterTable('enforcement_cases').addColumn('unserved_step_id', 'text').execute();
  // Documents issued before: their periods were counted from the issue, and they keep running so
  // (the calendar re-times them from it); their method stays unknown.
  await sql`update enforcement_steps set served_at = at where document_id is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('enforcement_cases').dropColumn('unserved_step_id').execute();
  await db.schema.alterTable('enforcement_steps').dropColumn('service').execute();
  await db.schema.alterTable('enforcement_steps').dropColumn('served_at').execute();
  await db.schema.alterTable('enforcement_steps').dropColumn('service_method').execute();
}
