import { type Kysely, sql } from 'kysely';
import { inList, real, ts } from './_dialect.js';

// Frozen in time: the value lists are copied here, not imported.
const SITE_KINDS = ['bin_room', 'institution', 'shop'];
const STATUSES = ['active', 'retired'];
const PARTY_KINDS = ['property_company', 'shop_operator', 'unit'];
const UNIT_KINDS = ['property_company', 'sanitation_company', 'committee', 'enforcement_team'];
const ROLES = ['admin', 'operator', 'patrol', 'cadre', 'enforcement', 'handler', 'leader'];
const USER_STATUSES = ['active', 'disabled'];
const OUTCOMES = ['success', 'bad_credentials', 'locked', 'rate_limited', 'disabled'];

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('districts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('created_at', ts(db), (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('subdistricts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('district_id', 'text', (c) => c.notNull().references('districts.id'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('created_at', ts(db), (c) => c.notNull())
    .addUniqueConstraint('subdistricts_district_code_uq', ['district_id', 'code'])
    .execute();

  await db.schema
    .createTable('committees')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('created_at', ts(db), (c) => c.notNull())
    .addUniqueConstraint('committees_subdistrict_code_uq', ['subdistrict_id', 'code'])
    .execute();

  await db.schema
    .createTable('grids')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('committee_id', 'text', (c) => c.notNull().references('committees.id'))
    .addColumn('code', 'text', (c) => c.notNull().unique().check(sql`length(code) = 15`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', ts(db), (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('responsible_parties')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(inList('kind', PARTY_KINDS)))
    .addColumn('contact_name', 'text')
    .addColumn('contact_phone', 'text')
    .addColumn('created_at', ts(db), (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('responsible_parties_sub_name_ix')
    .on('responsible_parties')
    .columns(['subdistrict_id', 'name'])
    .execute();

  await db.schema
    .createTable('sites')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('committee_id', 'text', (c) => c.notNull().references('committees.id'))
    .addColumn('grid_id', 'text', (c) => c.references('grids.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(inList('kind', SITE_KINDS)))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('lng', real(db), (c) => c.notNull().check(sql`lng between -180 and 180`))
    .addColumn('lat', real(db), (c) => c.notNull().check(sql`lat between -90 and 90`))
    .addColumn('responsible_party_id', 'text', (c) => c.references('responsible_parties.id'))
    .addColumn('disposal_hours', 'text')
    .addColumn('qr_code', 'text', (c) => c.unique())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active').check(inList('status', STATUSES)))
    .addColumn('retired_at', ts(db))
    .addColumn('created_at', ts(db), (c) => c.notNull())
    .addColumn('updated_at', ts(db), (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('sites_committee_kind_ix').on('sites').columns(['committee_id', 'kind', 'id']).execute();
  await db.schema.createIndex('sites_sub_kind_ix').on('sites').columns(['subdistrict_id', 'kind', 'id']).execute();

  await db.schema
    .createTable('handling_units')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('committee_id', 'text', (c) => c.references('committees.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(inList('kind', UNIT_KINDS)))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('contact_name', 'text')
    .addColumn('contact_phone', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active').check(inList('status', STATUSES)))
    .addColumn('created_at', ts(db), (c) => c.notNull())
    .execute();
  await db.schema.createIndex('handling_units_sub_ix').on('handling_units').columns(['subdistrict_id', 'kind']).execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('phone', 'text')
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(inList('role', ROLES)))
    .addColumn('subdistrict_id', 'text', (c) => c.references('subdistricts.id'))
    .addColumn('handling_unit_id', 'text', (c) => c.references('handling_units.id'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active').check(inList('status', USER_STATUSES)))
    .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', ts(db))
    .addColumn('created_at', ts(db), (c) => c.notNull())
    .addColumn('updated_at', ts(db), (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('user_scopes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('subdistrict_id', 'text', (c) => c.notNull().references('subdistricts.id'))
    .addColumn('committee_id', 'text', (c) => c.references('committees.id'))
    .execute();
  await db.schema.createIndex('user_scopes_user_ix').on('user_scopes').column('user_id').execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', ts(db), (c) => c.notNull())
    .addColumn('expires_at', ts(db), (c) => c.notNull())
    .addColumn('last_seen_at', ts(db), (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', ts(db), (c) => c.notNull())
    .addColumn('expires_at', ts(db))
    .addColumn('revoked_at', ts(db))
    .addColumn('last_used_at', ts(db))
    .execute();

  await db.schema
    .createTable('sign_in_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.references('users.id'))
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull().check(inList('outcome', OUTCOMES)))
    .addColumn('at', ts(db), (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sign_in_events_ip_at_ix').on('sign_in_events').columns(['ip', 'at']).execute();
  await db.schema.createIndex('sign_in_events_user_at_ix').on('sign_in_events').columns(['user_id', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'sign_in_events', 'api_tokens', 'sessions', 'user_scopes', 'users', 'handling_units',
    'sites', 'responsible_parties', 'grids', 'committees', 'subdistricts', 'districts',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
