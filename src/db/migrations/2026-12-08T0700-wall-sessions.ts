import type { Kysely } from 'kysely';
import { inList } from './_dialect.js';

// Frozen in time: the value list is copied here, not imported.
const KINDS = ['browser', 'wall'];

// A wall display session (an operations-centre screen left on all day): read-only, no idle limit,
// only its absolute expiry. Every session so far is a person's browser.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('sessions')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('browser').check(inList('kind', KINDS)))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('sessions').where('kind', '=', 'wall').execute();
  await db.schema.alterTable('sessions').dropColumn('kind').execute();
}
