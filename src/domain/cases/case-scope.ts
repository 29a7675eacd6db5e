import { type Expression, type SqlBool, sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { CaseTable } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { canSeeCommittee, scopeCondition } from '../auth/scope.js';
import { notFound } from '../shared/errors.js';
import { firstOverrideWindow } from '../calendar/deadlines.js';
import { caseById, caseWithCategory } from './hot-queries.js';

/**
 * Which cases an actor sees: those of their subdistricts/committees; handling-unit staff see
 * only cases dispatched to their unit or to them (and what they reported themselves).
 */
export function caseVisibility(actor: Actor, alias = 'c'): Expression<SqlBool> {
  const scope = scopeCondition(actor, `${alias}.subdistrict_id`, `${alias}.committee_id`);
  if (actor.role !== 'handler') return scope;
  const mine = [
    sql<SqlBool>`${sql.ref(`${alias}.assigned_user_id`)} = ${actor.userId}`,
    sql<SqlBool>`${sql.ref(`${alias}.reporter_id`)} = ${actor.userId}`,
  ];
  if (actor.handlingUnitId) mine.push(sql<SqlBool>`${sql.ref(`${alias}.assigned_unit_id`)} = ${actor.handlingUnitId}`);
  return sql<SqlBool>`(${scope} and (${sql.join(mine, sql` or `)}))`;
}

/** caseVisibility for one row already in hand (same rule, evaluated in JS). */
export function caseVisibleTo(actor: Actor, c: Pick<CaseTable, 'subdistrict_id' | 'committee_id' | 'assigned_user_id' | 'reporter_id' | 'assigned_unit_id'>): boolean {
  if (!canSeeCommittee(actor, c.subdistrict_id, c.committee_id)) return false;
  if (actor.role !== 'handler') return true;
  return c.assigned_user_id === actor.userId || c.reporter_id === actor.userId || (actor.handlingUnitId !== null && c.assigned_unit_id === actor.handlingUnitId);
}

/** The case row if the actor may see it; not_found otherwise (never forbidden). */
export async function loadVisibleCase(db: Db, actor: Actor, id: string) {
  assertCan(actor, 'cases.read');
  const row = await caseById.first(db, id);
  if (!row || !caseVisibleTo(actor, row)) throw notFound('Case', id);
  return row;
}

/**
 * loadVisibleCase with the limits of the case's category and the calendar overrides for a
 * deadline started at `at`, in one round trip (transitions).
 */
export async function loadVisibleCaseWithCategory(db: Db, actor: Actor, id: string, at: Date, opts: { handlers?: boolean; unitId?: string } = {}) {
  assertCan(actor, 'cases.read');
  const found = await caseWithCategory(db, id, firstOverrideWindow(at), opts);
  if (!found || !caseVisibleTo(actor, found.c)) throw notFound('Case', id);
  return found;
}
