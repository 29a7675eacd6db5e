import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { CaseCategoryTable, CaseTable, CheckBy } from '../../db/schema.js';
import { type Actor, loadActor } from '../auth/actor.js';
import { canSeeCommittee } from '../auth/scope.js';
import { HANDLING_ACTIONS } from './lifecycle.js';

/**
 * Separation of duties (DOMAIN.md §4, "Independent check"): 核查 is never done by a person who
 * handled the case, nor by a member of the handling unit it is dispatched to. The rule is
 * enforced here, for every path that checks a case (API, console, field app, scripts), and the
 * default checker is chosen by the same rule.
 */

type CaseRef = Pick<CaseTable, 'id' | 'subdistrict_id' | 'committee_id' | 'assigned_unit_id' | 'assigned_user_id' | 'reporter_id'>;

/**
 * Who handled the case at any time: the actors of its 'handle' events, and the finder who fixed it
 * on the spot (自发自处, 'self_resolve') — reopened and handled again, it is not theirs to check.
 */
export async function handlersOf(db: Db, caseId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('case_events')
    .select('actor_user_id')
    .where('case_id', '=', caseId)
    .where('action', 'in', HANDLING_ACTIONS)
    .where('actor_user_id', 'is not', null)
    .execute();
  return new Set(rows.map((r) => r.actor_user_id as string));
}

/**
 * Whether a person belongs to a handling unit: its staff, a cadre of the committee whose own unit
 * it is, or an officer of the subdistrict when it is the enforcement squad (the same membership
 * isAssignee grants).
 */
export async function belongsToUnit(db: Db, person: Actor, unitId: string | null, subdistrictId: string): Promise<boolean> {
  if (!unitId) return false;
  if (person.handlingUnitId === unitId) return true;
  if (person.role !== 'cadre' && person.role !== 'enforcement') return false;
  const unit = await db.selectFrom('handling_units').select(['kind', 'committee_id']).where('id', '=', unitId).executeTakeFirst();
  if (!unit) return false;
  if (person.role === 'cadre') return unit.kind === 'committee' && unit.committee_id !== null && canSeeCommittee(person, subdistrictId, unit.committee_id);
  return unit.kind === 'enforcement_team' && canSeeCommittee(person, subdistrictId, null);
}

export type CheckConflict = 'handled_it' | 'assignee' | 'handling_unit';

/** Why a person may not check the case, or null when the check would be independent. */
/** Why a person may not make the check, as the refusal says it. */
export const CONFLICT_WHY = {
  handled_it: 'independent check: you handled this case',
  assignee: 'independent check: the case is assigned to you',
  handling_unit: 'independent check: you belong to the handling unit',
} as const;

/**
 * The handling unit a case was dispatched to: its own, or — sent to a person by name and no unit
 * (a cadre named alone, a 差评 sent to whoever served) — that person's: their handling unit, else
 * the committee's own unit for a cadre (whose colleagues of the committee belong to it, as
 * belongsToUnit says) or the enforcement team for an officer. null: no unit (the desk's alone).
 */
export async function dispatchedUnitOf(db: Db, c: CaseRef): Promise<string | null> {
  if (c.assigned_unit_id || !c.assigned_user_id) return c.assigned_unit_id;
  const person = await db.selectFrom('users').select(['role', 'handling_unit_id']).where('id', '=', c.assigned_user_id).executeTakeFirst();
  if (!person) return null;
  if (person.handling_unit_id) return person.handling_unit_id;
  if (person.role !== 'cadre' && person.role !== 'enforcement') return null;
  const unit = await db.selectFrom('handling_units').select('id')
    .where('subdistrict_id', '=', c.subdistrict_id)
    .$if(person.role === 'cadre', (q) => q.where('kind', '=', 'committee').where('committee_id', '=', c.committee_id))
    .$if(person.role === 'enforcement', (q) => q.where('kind', '=', 'enforcement_team'))
    .orderBy('id').executeTakeFirst();
  return unit?.id ?? null;
}

/**
 * `unitId`: the case's dispatched unit (dispatchedUnitOf) when the caller has it already, as the
 * default checker does for every candidate.
 */
export async function checkConflict(db: Db, person: Actor, c: CaseRef, handlers?: Set<string>, unitId?: string | null): Promise<CheckConflict | null> {
  const who = handlers ?? (await handlersOf(db, c.id));
  if (who.has(person.userId)) return 'handled_it';
  if (c.assigned_user_id && c.assigned_user_id === person.userId) return 'assignee';
  const unit = unitId !== undefined ? unitId : await dispatchedUnitOf(db, c);
  if (await belongsToUnit(db, person, unit, c.subdistrict_id)) return 'handling_unit';
  return null;
}

/** Field roles a check can be given to by name; the desk (operators) checks everything else. */
const FIELD_CHECKERS = ['patrol', 'cadre'] as const;

async function eligible(db: Db, userId: string | null, c: CaseRef, handlers: Set<string>, unitId: string | null, known?: Actor | null): Promise<Actor | null> {
  if (!userId) return null;
  const person = known !== undefined ? known : await loadActor(db, userId);
  if (!person || !(FIELD_CHECKERS as readonly string[]).includes(person.role)) return null;
  if (!canSeeCommittee(person, c.subdistrict_id, c.committee_id)) return null;
  return (await checkConflict(db, person, c, handlers, unitId)) ? null : person;
}

/** A cadre, else a patrol officer, with the case's committee in scope and independent of the handling. */
async function committeeChecker(db: Db, c: CaseRef, handlers: Set<string>, unitId: string | null): Promise<string | null> {
  const rows = await db
    .selectFrom('users as u')
    .innerJoin('user_scopes as s', 's.user_id', 'u.id')
    .select(['u.id', 'u.role', 'u.username'])
    .where('u.status', '=', 'active')
    .where('u.role', 'in', FIELD_CHECKERS)
    .where('s.subdistrict_id', '=', c.subdistrict_id)
    // Committee staff first (a cadre sorts before a patrol officer), then subdistrict-wide patrols.
    .where((eb) => eb.or([eb('s.committee_id', '=', c.committee_id), eb('s.committee_id', 'is', null)]))
    .orderBy('u.role')
    .orderBy(sql`case when s.committee_id is null then 1 else 0 end`)
    .orderBy('u.username')
    .limit(20)
    .execute();
  for (const r of rows) if (await eligible(db, r.id, c, handlers, unitId)) return r.id;
  return null;
}

/**
 * The person a handled case waits on for its check, by the category's policy:
 * - 'reporter' (default): whoever reported it, if a patrol officer or cadre who is independent of
 *   the handling; else as 'committee';
 * - 'committee': a cadre (else a patrol officer) of the case's committee, independent of the handling;
 * - 'operations': nobody by name: the operations centre's desk checks.
 * null = the desk. `known`: the handlers as the caller read them already (handlersOf).
 */
export async function defaultChecker(
  db: Db,
  c: CaseRef,
  category: Pick<CaseCategoryTable, 'check_by'>,
  handlingNow?: string,
  known?: Set<string>,
  /** The reporter's actor as read with the case (null: not active), when the caller has it. */
  reporter?: Actor | null,
): Promise<string | null> {
  const policy: CheckBy = category.check_by ?? 'reporter';
  if (policy === 'operations') return null;
  const handlers = new Set(known ?? (await handlersOf(db, c.id)));
  // The handling being recorded is not an event yet.
  if (handlingNow) handlers.add(handlingNow);
  const unitId = await dispatchedUnitOf(db, c);
  if (policy === 'reporter') {
    const eligibleReporter = await eligible(db, c.reporter_id, c, handlers, unitId, reporter);
    if (eligibleReporter) return eligibleReporter.userId;
  }
  return committeeChecker(db, c, handlers, unitId);
}
