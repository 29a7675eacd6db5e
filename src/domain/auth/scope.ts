import { type Expression, type SqlBool, sql } from 'kysely';
import { notFound } from '../shared/errors.js';
import type { Actor } from './actor.js';

/** Subdistricts the actor sees in full. */
export const fullSubdistricts = (actor: Pick<Actor, 'scope'>) =>
  actor.scope.filter((s) => s.committeeId === null).map((s) => s.subdistrictId);

/** Single committees the actor sees. */
export const scopedCommittees = (actor: Pick<Actor, 'scope'>) =>
  actor.scope.filter((s) => s.committeeId !== null).map((s) => s.committeeId as string);

/** Every subdistrict the actor touches at all (whole or via a committee). */
export const touchedSubdistricts = (actor: Actor) => [...new Set(actor.scope.map((s) => s.subdistrictId))];

/**
 * SQL condition restricting rows to the actor's scope, for a table whose rows carry
 * subdistrict and committee columns. Applied inside every domain query.
 */
export function scopeCondition(
  actor: Pick<Actor, 'scope'>,
  subdistrictColumn: string,
  committeeColumn: string | null,
): Expression<SqlBool> {
  const subs = fullSubdistricts(actor);
  const coms = scopedCommittees(actor);
  const parts: Expression<SqlBool>[] = [];
  if (subs.length) parts.push(sql<SqlBool>`${sql.ref(subdistrictColumn)} in (${sql.join(subs)})`);
  if (coms.length && committeeColumn) parts.push(sql<SqlBool>`${sql.ref(committeeColumn)} in (${sql.join(coms)})`);
  if (!parts.length) return sql<SqlBool>`1 = 0`;
  if (parts.length === 1) return parts[0] as Expression<SqlBool>;
  return sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
}

/** Condition for rows that belong to a subdistrict only (no committee column). */
export function subdistrictCondition(actor: Actor, subdistrictColumn: string): Expression<SqlBool> {
  const subs = touchedSubdistricts(actor);
  if (!subs.length) return sql<SqlBool>`1 = 0`;
  return sql<SqlBool>`${sql.ref(subdistrictColumn)} in (${sql.join(subs)})`;
}

export function canSeeCommittee(actor: Actor, subdistrictId: string, committeeId: string | null): boolean {
  return actor.scope.some(
    (s) => s.subdistrictId === subdistrictId && (s.committeeId === null || s.committeeId === committeeId),
  );
}

/** Throws not_found (never forbidden) so that out-of-scope data is indistinguishable from absent data. */
export function assertSeesCommittee(actor: Actor, subdistrictId: string, committeeId: string | null, what: string) {
  if (!canSeeCommittee(actor, subdistrictId, committeeId)) throw notFound(what);
}

export function assertSeesSubdistrict(actor: Actor, subdistrictId: string, what: string) {
  if (!touchedSubdistricts(actor).includes(subdistrictId)) throw notFound(what);
}

/** Writing at subdistrict level (e.g. a handling unit) needs the whole subdistrict in scope. */
export function assertOwnsSubdistrict(actor: Actor, subdistrictId: string, what: string) {
  if (!fullSubdistricts(actor).includes(subdistrictId)) throw notFound(what);
}
