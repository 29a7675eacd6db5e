import type { Kysely } from 'kysely';

/**
 * A dispatch notifies the staff of the unit it names, and other transitions the people of given
 * roles scoped into the subdistrict: they read users by handling unit, by subdistrict and role, and
 * user scopes by subdistrict. Without these indexes each transition that notifies read every user
 * (or every scope) of the city.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('users_handling_unit_ix').on('users').column('handling_unit_id').execute();
  await db.schema.createIndex('users_subdistrict_role_ix').on('users').columns(['subdistrict_id', 'role']).execute();
  await db.schema.createIndex('user_scopes_subdistrict_ix').on('user_scopes').columns(['subdistrict_id', 'committee_id', 'user_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('user_scopes_subdistrict_ix').execute();
  await db.schema.dropIndex('users_subdistrict_role_ix').execute();
  await db.schema.dropIndex('users_handling_unit_ix').execute();
}
