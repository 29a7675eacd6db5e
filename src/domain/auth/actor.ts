import type { Db } from '../../db/index.js';
import type { Role, UserTable } from '../../db/schema.js';

export interface ScopeEntry {
  subdistrictId: string;
  /** null = the whole subdistrict */
  committeeId: string | null;
}

/** The signed-in person on whose behalf a domain function runs. */
export interface Actor {
  userId: string;
  username: string;
  displayName: string;
  role: Role;
  subdistrictId: string | null;
  handlingUnitId: string | null;
  scope: ScopeEntry[];
  /** An administrator set this person's password: only changing it is allowed until then. */
  mustChangePassword?: boolean;
}

export async function loadActor(db: Db, userId: string): Promise<Actor | null> {
  const user = await db
    .selectFrom('users')
    .select(['id', 'username', 'display_name', 'role', 'subdistrict_id', 'handling_unit_id', 'status', 'must_change_password'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user || user.status !== 'active') return null;
  const scopes = await db
    .selectFrom('user_scopes')
    .select(['subdistrict_id', 'committee_id'])
    .where('user_id', '=', userId)
    .execute();
  const actor = actorFrom(user, scopes.map((s) => ({ subdistrictId: s.subdistrict_id, committeeId: s.committee_id })));
  return Number(user.must_change_password) === 1 ? { ...actor, mustChangePassword: true } : actor;
}

/** The actor of an active user row and its scope entries. */
export function actorFrom(
  user: Pick<UserTable, 'id' | 'username' | 'display_name' | 'role' | 'subdistrict_id' | 'handling_unit_id'>,
  scope: Actor['scope'],
): Actor {
  return {
    userId: user.id,
    username: user.username,
    displayName: user.display_name,
    role: user.role,
    subdistrictId: user.subdistrict_id,
    handlingUnitId: user.handling_unit_id,
    scope,
  };
}
