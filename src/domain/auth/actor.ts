import type { Db } from '../../db/index.js';
import { prepared } from '../../db/prepared.js';
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

/** A user and each of their scope entries (one row per entry; scope columns null when there is none). */
const userWithScopes = prepared((db: Db, userId: string) =>
  db
    .selectFrom('users as u')
    .leftJoin('user_scopes as us', 'us.user_id', 'u.id')
    .select(['u.id', 'u.username', 'u.display_name', 'u.role', 'u.subdistrict_id', 'u.handling_unit_id', 'u.status', 'u.must_change_password'])
    .select(['us.subdistrict_id as scopeSubdistrictId', 'us.committee_id as scopeCommitteeId'])
    .where('u.id', '=', userId),
);

/** The active user as an actor with their scope (one statement), or null. */
export async function loadActor(db: Db, userId: string): Promise<Actor | null> {
  const rows = await userWithScopes.all(db, userId);
  const user = rows[0];
  if (!user || user.status !== 'active') return null;
  const scope = rows.filter((r) => r.scopeSubdistrictId !== null).map((r) => ({ subdistrictId: r.scopeSubdistrictId as string, committeeId: r.scopeCommitteeId }));
  const actor = actorFrom(user, scope);
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
