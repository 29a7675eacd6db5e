import type { Db } from '../../db/index.js';
import { prepared } from '../../db/prepared.js';
import type { CaseTable } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { canSeeCommittee } from '../auth/scope.js';
import { invalidField } from '../shared/errors.js';

const activeUnit = prepared((db: Db, id: string, subdistrictId: string) =>
  db.selectFrom('handling_units').select('id').where('id', '=', id).where('subdistrict_id', '=', subdistrictId).where('status', '=', 'active'),
);
const unitKind = prepared((db: Db, id: string) => db.selectFrom('handling_units').select(['kind', 'committee_id']).where('id', '=', id));

const ASSIGNABLE_ROLES = ['handler', 'enforcement', 'cadre'] as const;

/** The handling unit and/or named person a case is dispatched to, checked against the case's subdistrict. */
export async function resolveAssignee(db: Db, c: Pick<CaseTable, 'subdistrict_id'>, unitId?: string, userId?: string) {
  if (!unitId && !userId) throw invalidField('unitId', 'give a handling unit or a named person');
  let unit: { id: string } | undefined;
  if (unitId) {
    unit = await activeUnit.first(db, unitId, c.subdistrict_id);
    if (!unit) throw invalidField('unitId', 'unknown handling unit');
  }
  let user: { id: string; handling_unit_id: string | null } | undefined;
  if (userId) {
    user = await db
      .selectFrom('users')
      .select(['id', 'handling_unit_id', 'role'])
      .where('id', '=', userId)
      .where('subdistrict_id', '=', c.subdistrict_id)
      .where('status', '=', 'active')
      .where('role', 'in', ASSIGNABLE_ROLES)
      .executeTakeFirst();
    if (!user) throw invalidField('userId', 'unknown person, or not someone who handles cases');
    if (unit && user.handling_unit_id && user.handling_unit_id !== unit.id) throw invalidField('userId', 'this person belongs to another handling unit');
  }
  return { unitId: unit?.id ?? user?.handling_unit_id ?? null, userId: user?.id ?? null };
}

/**
 * Whether the actor is who the case waits on: the named person, staff of the assigned unit,
 * a cadre of the committee whose committee unit it is, or an enforcement officer of the
 * subdistrict when the enforcement squad is assigned.
 */
export async function isAssignee(db: Db, actor: Actor, c: Pick<CaseTable, 'assigned_user_id' | 'assigned_unit_id' | 'subdistrict_id'>): Promise<boolean> {
  if (c.assigned_user_id) return c.assigned_user_id === actor.userId;
  if (!c.assigned_unit_id) return false;
  if (actor.handlingUnitId) return actor.handlingUnitId === c.assigned_unit_id;
  if (actor.role !== 'cadre' && actor.role !== 'enforcement') return false;
  const unit = await unitKind.first(db, c.assigned_unit_id);
  if (!unit) return false;
  if (actor.role === 'cadre') return unit.kind === 'committee' && canSeeCommittee(actor, c.subdistrict_id, unit.committee_id) && unit.committee_id !== null;
  return unit.kind === 'enforcement_team' && canSeeCommittee(actor, c.subdistrict_id, null);
}
