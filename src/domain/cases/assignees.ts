import type { Db } from '../../db/index.js';
import { prepared } from '../../db/prepared.js';
import type { CaseTable } from '../../db/schema.js';
import { type Actor, loadActor } from '../auth/actor.js';
import { canSeeCommittee } from '../auth/scope.js';
import { invalidField } from '../shared/errors.js';

const activeUnit = prepared((db: Db, id: string, subdistrictId: string) =>
  db.selectFrom('handling_units').select('id').where('id', '=', id).where('subdistrict_id', '=', subdistrictId).where('status', '=', 'active'),
);
const unitKind = prepared((db: Db, id: string) => db.selectFrom('handling_units').select(['kind', 'committee_id']).where('id', '=', id));

export const ASSIGNABLE_ROLES = ['handler', 'enforcement', 'cadre'] as const;

/**
 * The handling unit and/or named person a case is dispatched to, checked against the case: the
 * person is an active handler, enforcement officer or cadre of its subdistrict whose scope covers
 * its committee (else, once dispatched, they could not open it); a handler named with a unit is
 * staff of that unit. committee_id is left out only where no case exists yet.
 */
export async function resolveAssignee(
  db: Db,
  c: Pick<CaseTable, 'subdistrict_id'> & { committee_id?: string },
  unitId?: string,
  userId?: string,
  /** The unit as the caller read it already (the case read of a dispatch, hot-queries.ts): null = not an active unit of the subdistrict. */
  knownUnit?: { id: string } | null,
) {
  if (!unitId && !userId) throw invalidField('unitId', 'give a handling unit or a named person');
  let unit: { id: string } | undefined;
  if (unitId) {
    unit = knownUnit !== undefined ? (knownUnit ?? undefined) : await activeUnit.first(db, unitId, c.subdistrict_id);
    if (!unit) throw invalidField('unitId', 'unknown handling unit');
  }
  let person: Actor | null = null;
  if (userId) {
    person = await loadActor(db, userId);
    if (!person || person.subdistrictId !== c.subdistrict_id || !(ASSIGNABLE_ROLES as readonly string[]).includes(person.role)) {
      throw invalidField('userId', 'unknown person, or not someone who handles cases');
    }
    const otherUnit = person.role === 'handler' ? person.handlingUnitId !== unit?.id : person.handlingUnitId && person.handlingUnitId !== unit?.id;
    if (unit && otherUnit) throw invalidField('userId', 'this person belongs to another handling unit');
    if (c.committee_id !== undefined && !canSeeCommittee(person, c.subdistrict_id, c.committee_id)) {
      throw invalidField('userId', 'this person cannot see cases of this committee');
    }
  }
  return { unitId: unit?.id ?? person?.handlingUnitId ?? null, userId: person?.userId ?? null };
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
