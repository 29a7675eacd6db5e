import { type Kysely, sql } from 'kysely';
import { ts } from './_dialect.js';

/**
 * The administrative audit log: one hash chain for the whole instance (administrative changes
 * are rare; one chain keeps "nothing was removed" provable with a single head).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'integer', (c) => c.notNull().unique())
    .addColumn('at', ts(db), (c) => c.notNull())
    .addColumn('actor_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('actor_username', 'text', (c) => c.notNull())
    .addColumn('actor_role', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text')
    .addColumn('subdistrict_id', 'text', (c) => c.references('subdistricts.id'))
    .addColumn('before_json', 'text')
    .addColumn('after_json', 'text')
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addCheckConstraint('audit_log_seq_ck', sql`seq >= 1`)
    .execute();
  await db.schema.createIndex('audit_log_at_ix').on('audit_log').columns(['at', 'seq']).execute();
  await db.schema.createIndex('audit_log_actor_ix').on('audit_log').columns(['actor_user_id', 'seq']).execute();
  await db.schema.createIndex('audit_log_entity_ix').on('audit_log').columns(['entity', 'entity_id', 'seq']).execute();
  await db.schema.createIndex('audit_log_sub_ix').on('audit_log').columns(['subdistrict_id', 'seq']).execute();

  await db.schema
    .createTable('audit_chain_head')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('updated_at', ts(db), (c) => c.notNull())
    .execute();
  await db
    .insertInto('audit_chain_head')
    .values({ id: 'audit', seq: 0, hash: '0'.repeat(64), updated_at: new Date(0).toISOString() })
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_chain_head').execute();
  await db.schema.dropTable('audit_log').execute();
}
