import type { Kysely } from 'kysely';

// Many instances on one database: each background job runs on one instance at a time under a
// lease row (holder, fence, expiry), and rate budgets shared by every instance (a WeCom robot
// accepts 20 messages a minute whichever instance sends them) are token buckets in rows.
// Instants here are epoch milliseconds (bigint): compared arithmetically on both engines.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('job_leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('fence', 'bigint', (c) => c.notNull())
    .addColumn('expires_ms', 'bigint', (c) => c.notNull())
    .addColumn('last_success_ms', 'bigint')
    .execute();
  await db.schema
    .createTable('rate_budgets')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('tokens', 'double precision', (c) => c.notNull())
    .addColumn('refilled_ms', 'bigint', (c) => c.notNull())
    .execute();
  // The missed-check-in job reads only the bin rooms whose disposal hours end a window in its
  // interval: the distinct hour patterns come from this index, not from every room of the city.
  await db.schema.createIndex('sites_kind_hours_ix').on('sites').columns(['kind', 'status', 'disposal_hours']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('sites_kind_hours_ix').execute();
  await db.schema.dropTable('rate_budgets').execute();
  await db.schema.dropTable('job_leases').execute();
}
