import { type Kysely, sql } from 'kysely';
import { inList, real, ts } from './_dialect.js';

// Frozen in time: the value lists are copied here, not imported.
const LEVELS = ['class', 'subclass', 'standard'];
const MODES = ['working', 'calendar'];
const SEVERITIES = ['low', 'normal', 'high', 'urgent'];
const UNIT_KINDS = ['property_company', 'sanitation_company', 'committee', 'enforcement_team'];

export async function up(db: Kysely<any>): Promise<void> {
  // One table for the whole tree (class → sub-class → working standard), per subdistrict:
  // neighbouring subdistricts publish their own catalogues (Huayang Road: 3 / 14 / 44).
  await db.schema
    .createTable('case_categories')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('parent_id', 'text', (c) => c.references('case_categories.id'))
    .addColumn('level', 'text', (c) => c.notNull().check(inList('level', LEVELS)))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name_zh', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('default_unit_kind', 'text', (c) => c.check(sql`default_unit_kind is null or ${inList('default_unit_kind', UNIT_KINDS)}`))
    .addColumn('file_hours', real(db), (c) => c.notNull().check(sql`file_hours > 0`))
    .addColumn('dispatch_hours', real(db), (c) => c.notNull().check(sql`dispatch_hours > 0`))
    .addColumn('handle_hours', real(db), (c) => c.notNull().check(sql`handle_hours > 0`))
    .addColumn('check_hours', real(db), (c) => c.notNull().check(sql`check_hours > 0`))
    .addColumn('limit_mode', 'text', (c) => c.notNull().check(inList('limit_mode', MODES)))
    .addColumn('severity', 'text', (c) => c.notNull().check(inList('severity', SEVERITIES)))
    .addColumn('site_kinds', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1).check(sql`active in (0, 1)`))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', ts(db), (c) => c.notNull())
    .addColumn('updated_at', ts(db), (c) => c.notNull())
    .addUniqueConstraint('case_categories_sub_code_uq', ['subdistrict_id', 'code'])
    .addCheckConstraint('case_categories_parent_ck', sql`(level = 'class') = (parent_id is null)`)
    .execute();
  await db.schema.createIndex('case_categories_parent_ix').on('case_categories').columns(['parent_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('case_categories').execute();
}
