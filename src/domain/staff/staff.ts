import { sql } from 'kysely';
import type { Db } from '../../db/index.js';
import type { Role } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { hashPassword } from '../auth/passwords.js';
import { assertAcceptablePassword } from '../auth/password-policy.js';
import { endSessionsOf, revokeTokensOf, rotateSessionsOf } from '../auth/session-lifecycle.js';
import { assertCan } from '../auth/permissions.js';
import { clearAttempts, usernameKey } from '../auth/sign-in-throttle.js';
import { assertSeesCommittee, canSeeCommittee, fullSubdistricts, scopedCommittees } from '../auth/scope.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, invalidField, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { StaffInput, StaffPatch } from './staff-input.js';
import { inTransaction } from '../shared/in-transaction.js';
import { phoneFor } from '../auth/personal-data.js';
import { ASSIGNABLE_ROLES } from '../cases/assignees.js';
import { transitionCase } from '../cases/transition-case.js';

/** Staff visible to the actor: those whose scope lies inside the actor's. */
function visibleUsers(db: Db, actor: Actor) {
  const subs = fullSubdistricts(actor);
  const coms = scopedCommittees(actor);
  return db.selectFrom('users as u').where((eb) =>
    eb.or([
      ...(subs.length ? [eb('u.subdistrict_id', 'in', subs)] : []),
      ...(coms.length
        ? [
            eb.exists(
              eb
                .selectFrom('user_scopes as us')
                .select('us.id')
                .whereRef('us.user_id', '=', 'u.id')
                .where('us.committee_id', 'in', coms),
            ),
          ]
        : []),
      sql<boolean>`1 = 0`,
    ]),
  );
}

async function attachScopes(db: Db, users: { id: string }[]) {
  if (!users.length) return new Map<string, { subdistrictId: string; committeeId: string | null; committeeName: string | null }[]>();
  const rows = await db
    .selectFrom('user_scopes as us')
    .leftJoin('committees as c', 'c.id', 'us.committee_id')
    .select(['us.user_id', 'us.subdistrict_id', 'us.committee_id', 'c.name as committee_name'])
    .where(
      'us.user_id',
      'in',
      users.map((u) => u.id),
    )
    .execute();
  const map = new Map<string, { subdistrictId: string; committeeId: string | null; committeeName: string | null }[]>();
  for (const r of rows) {
    const list = map.get(r.user_id) ?? [];
    list.push({ subdistrictId: r.subdistrict_id, committeeId: r.committee_id, committeeName: r.committee_name });
    map.set(r.user_id, list);
  }
  return map;
}

const staffColumns = [
  'u.id',
  'u.username',
  'u.display_name as displayName',
  'u.phone',
  'u.cert_number as certNumber',
  'u.role',
  'u.subdistrict_id as subdistrictId',
  'u.handling_unit_id as handlingUnitId',
  'u.status',
  'u.locked_until as lockedUntil',
  'u.created_at as createdAt',
] as const;

export async function listStaff(
  db: Db,
  actor: Actor,
  f: { role?: Role; q?: string; committeeId?: string },
  page: { after?: string; limit: number },
) {
  assertCan(actor, 'staff.read');
  let q = visibleUsers(db, actor).select(staffColumns);
  if (f.role) q = q.where('u.role', '=', f.role);
  if (f.q) {
    const like = `%${f.q.toLowerCase()}%`;
    q = q.where((eb) => eb.or([eb(sql`lower(u.display_name)`, 'like', like), eb(sql`lower(u.username)`, 'like', like)]));
  }
  if (f.committeeId) {
    const committeeId = f.committeeId;
    q = q.where((eb) =>
      eb.exists(
        eb.selectFrom('user_scopes as us2').select('us2.id').whereRef('us2.user_id', '=', 'u.id').where('us2.committee_id', '=', committeeId),
      ),
    );
  }
  if (page.after) q = q.where('u.id', '>', page.after);
  const rows = await q.orderBy('u.id').limit(page.limit + 1).execute();
  const items = rows.slice(0, page.limit);
  const scopes = await attachScopes(db, items);
  return {
    items: items.map((u) => ({ ...u, phone: phoneFor(actor, 'staff', u.phone), scopes: scopes.get(u.id) ?? [] })),
    nextCursor: rows.length > page.limit ? (items[items.length - 1]?.id ?? null) : null,
  };
}

export async function getStaff(db: Db, actor: Actor, id: string) {
  assertCan(actor, 'staff.read');
  const u = await visibleUsers(db, actor).select(staffColumns).where('u.id', '=', id).executeTakeFirst();
  if (!u) throw notFound('Staff member', id);
  const scopes = await attachScopes(db, [u]);
  return { ...u, phone: phoneFor(actor, 'staff', u.phone), scopes: scopes.get(u.id) ?? [] };
}

/**
 * A person the actor may change (edit, disable, reset, sign out everywhere): every one of their
 * scopes lies inside the actor's — a whole subdistrict only for an actor with that whole
 * subdistrict, a committee for one who sees it. Seeing a person (one shared subdistrict) is not
 * enough: the admin of one subdistrict would otherwise edit, promote or strip the other scopes of
 * someone who also works in another. Answers the person as getStaff does; not_found otherwise.
 */
async function getManagedStaff(db: Db, actor: Actor, id: string) {
  const person = await getStaff(db, actor, id);
  if (!person.scopes.every((s) => canSeeCommittee(actor, s.subdistrictId, s.committeeId))) throw notFound('Staff member', id);
  return person;
}

async function checkScopes(db: Db, actor: Actor, scopes: StaffInput['scopes']) {
  for (const [i, s] of scopes.entries()) {
    if (s.committeeId) {
      const c = await db.selectFrom('committees').select(['id', 'subdistrict_id']).where('id', '=', s.committeeId).executeTakeFirst();
      if (!c || c.subdistrict_id !== s.subdistrictId) throw invalidField(`scopes.${i}.committeeId`, 'unknown committee');
      assertSeesCommittee(actor, c.subdistrict_id, c.id, 'Committee');
    } else if (!fullSubdistricts(actor).includes(s.subdistrictId)) {
      throw invalidField(`scopes.${i}.subdistrictId`, 'outside your scope');
    }
  }
}

async function checkHandlingUnit(db: Db, actor: Actor, role: Role, unitId: string | null | undefined) {
  if (role === 'handler' && !unitId) throw invalidField('handlingUnitId', 'handling-unit staff need a unit');
  if (!unitId) return;
  const unit = await db.selectFrom('handling_units').select(['id', 'subdistrict_id']).where('id', '=', unitId).executeTakeFirst();
  if (!unit || !actor.scope.some((s) => s.subdistrictId === unit.subdistrict_id))
    throw invalidField('handlingUnitId', 'unknown handling unit');
}

const usernameTaken = () => new DomainError('duplicate', 'username: already taken', { fields: [{ field: 'username', reason: 'already taken' }] });

/** Adds a staff member; the caller owns the transaction. */
export async function createStaff(db: Db, clock: Clock, actor: Actor, input: StaffInput): Promise<string> {
  assertCan(actor, 'staff.write');
  await checkScopes(db, actor, input.scopes);
  await checkHandlingUnit(db, actor, input.role, input.handlingUnitId);
  const taken = await db.selectFrom('users').select('id').where('username', '=', input.username).executeTakeFirst();
  if (taken) throw usernameTaken();
  assertAcceptablePassword('password', input.password, input.username);
  const now = clock.now().toISOString();
  const id = newId();
  const inserted = await db
    .insertInto('users')
    .values({
      id,
      username: input.username,
      display_name: input.displayName,
      phone: input.phone ?? null,
      cert_number: input.certNumber ?? null,
      password_hash: await hashPassword(input.password),
      role: input.role,
      subdistrict_id: input.scopes[0]?.subdistrictId ?? null,
      handling_unit_id: input.handlingUnitId ?? null,
      status: 'active',
      failed_logins: 0,
      locked_until: null,
      // An administrator chose this password: the person picks their own at first sign-in.
      must_change_password: 1,
      created_at: now,
      updated_at: now,
    })
    // Someone took the name since the check: nothing goes in (a statement error would abort a
    // PostgreSQL transaction, and an import's other rows with it) and the name is reported taken.
    .onConflict((oc) => oc.column('username').doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 1) === 0) throw usernameTaken();
  await db
    .insertInto('user_scopes')
    .values(input.scopes.map((s) => ({ id: newId(), user_id: id, subdistrict_id: s.subdistrictId, committee_id: s.committeeId ?? null })))
    .execute();
  return id;
}

function sameScopes(next: StaffInput['scopes'], current: { subdistrictId: string; committeeId: string | null }[]) {
  const key = (s: { subdistrictId: string; committeeId?: string | null }) => `${s.subdistrictId}/${s.committeeId ?? ''}`;
  const a = new Set(next.map(key));
  const b = new Set(current.map(key));
  return a.size === b.size && [...a].every((k) => b.has(k));
}

/**
 * An administrator signs a person out everywhere (a lost phone, a leaver): every browser session
 * of the person ends. Returns how many ended. The caller owns the transaction and the audit entry.
 */
export async function signOutEverywhere(db: Db, clock: Clock, actor: Actor, id: string): Promise<number> {
  assertCan(actor, 'staff.write');
  await getManagedStaff(db, actor, id);
  await revokeTokensOf(db, clock.now().toISOString(), id);
  return endSessionsOf(db, id);
}

/** Cases still open: neither closed, cancelled nor merged into another. */
const CLOSED_CASE_STATUSES = ['closed', 'cancelled', 'merged'] as const;
/** Roles a named check can be given to (independent-check.ts); the desk checks the rest. */
const NAMED_CHECKER_ROLES: readonly string[] = ['patrol', 'cadre'];
/** How many case numbers a has_open_cases refusal lists (details.count says how many there are). */
const OPEN_CASES_LISTED = 20;

type PersonState = { status: string; role: Role; handlingUnitId: string | null; scope: { subdistrictId: string; committeeId: string | null }[] };
type WaitingCase = { id?: string; version?: number; number?: string; subdistrict_id: string; committee_id: string; assigned_unit_id: string | null; assigned_user_id: string | null; checker_user_id?: string | null; status: string };

/**
 * Whether the person can still do what an open case waits on them for — the rules a dispatch
 * names a person by (resolveAssignee): an active handler, officer or cadre whose scope covers the
 * case's committee and who is not staff of another unit than the case's; and for a named check
 * (checker_user_id on a handled case), an active patrol officer or cadre with the committee in scope.
 */
function canStillAct(p: PersonState, c: WaitingCase, userId: string): boolean {
  if (p.status !== 'active') return false;
  if (!p.scope.some((s) => s.subdistrictId === c.subdistrict_id && (s.committeeId === null || s.committeeId === c.committee_id))) return false;
  if (c.status === 'handled' && c.checker_user_id === userId && c.assigned_user_id !== userId) return NAMED_CHECKER_ROLES.includes(p.role);
  if (!(ASSIGNABLE_ROLES as readonly string[]).includes(p.role)) return false;
  if (c.assigned_unit_id && p.handlingUnitId && p.handlingUnitId !== c.assigned_unit_id) return false;
  if (p.role === 'handler' && c.assigned_unit_id && p.handlingUnitId !== c.assigned_unit_id) return false;
  return true;
}

/**
 * Disabling, demoting, moving or re-scoping a person must not strand the open cases only they may
 * act on (assigned to them by name, or theirs to check). Only cases the change makes unreachable
 * count.
 */
async function strandedCases(db: Db, id: string, now: PersonState, next: PersonState) {
  const waiting = await db
    .selectFrom('cases')
    .select(['id', 'version', 'number', 'subdistrict_id', 'committee_id', 'assigned_unit_id', 'assigned_user_id', 'checker_user_id', 'status'])
    .where((eb) =>
      eb.or([
        eb.and([eb('assigned_user_id', '=', id), eb('status', 'not in', CLOSED_CASE_STATUSES)]),
        eb.and([eb('checker_user_id', '=', id), eb('status', '=', 'handled')]),
      ]),
    )
    .orderBy('number')
    .execute();
  return waiting.filter((c) => canStillAct(now, c, id) && !canStillAct(next, c, id));
}

/** The refusal listing open cases: has_open_cases, so they are re-dispatched first (or handed over with reassignToUnitId). */
function openCasesRefusal(actor: Actor, stranded: { number: string; subdistrict_id: string; committee_id: string }[], field: string, reason: string) {
  return new DomainError('has_open_cases', `${field}: ${stranded.length} open case(s) assigned to this person would be left without anyone to act on them; re-dispatch them first, or name reassignToUnitId`, {
    count: stranded.length,
    // Only numbers the administrator may see are named; the count covers them all.
    cases: stranded.filter((c) => canSeeCommittee(actor, c.subdistrict_id, c.committee_id)).slice(0, OPEN_CASES_LISTED).map((c) => c.number),
    fields: [{ field, reason }],
  });
}

type StrandedCase = Awaited<ReturnType<typeof strandedCases>>[number];

/**
 * Hands the cases a change would strand to a handling unit, in the caller's transaction: each is
 * re-dispatched (改派) to the unit as a whole, by the administrator, with its event on the hash
 * chain and the unit notified. The unit must be one the administrator manages, active, of the
 * cases' subdistrict (a committee's unit only for its committee's cases); a case that is not
 * waiting for handling (handled and waiting for this person's check, on hold) cannot be handed
 * over and refuses the whole change. Answers the case numbers handed over.
 */
async function handToUnit(db: Db, clock: Clock, actor: Actor, personId: string, stranded: StrandedCase[], unitId: string) {
  const unit = await db.selectFrom('handling_units').select(['id', 'name', 'subdistrict_id', 'committee_id', 'status']).where('id', '=', unitId).executeTakeFirst();
  if (!unit || !canSeeCommittee(actor, unit.subdistrict_id, unit.committee_id)) throw invalidField('reassignToUnitId', 'unknown handling unit');
  if (unit.status !== 'active') throw invalidField('reassignToUnitId', 'the handling unit is retired');
  const cannot = stranded.filter(
    (c) => c.status !== 'dispatched' || c.assigned_user_id !== personId || c.subdistrict_id !== unit.subdistrict_id || (unit.committee_id !== null && unit.committee_id !== c.committee_id),
  );
  if (cannot.length) throw openCasesRefusal(actor, cannot, 'reassignToUnitId', 'these open cases cannot be handed to this unit');
  for (const c of stranded) {
    await transitionCase(db, clock, actor, c.id, { action: 'redispatch', version: c.version, unitId: unit.id, reason: `人员调整，改派${unit.name}` });
  }
  return stranded.map((c) => c.number);
}

export async function updateStaff(db: Db, clock: Clock, actor: Actor, id: string, patch: StaffPatch) {
  assertCan(actor, 'staff.write');
  return inTransaction(db, async (trx) => {
    const current = await getManagedStaff(trx, actor, id);
    const role = patch.role ?? current.role;
    if (patch.scopes) await checkScopes(trx, actor, patch.scopes);
    const unitId = patch.handlingUnitId === undefined ? current.handlingUnitId : patch.handlingUnitId;
    await checkHandlingUnit(trx, actor, role, unitId);
    if (id === actor.userId && (patch.status === 'disabled' || (patch.role && patch.role !== 'admin')))
      throw invalidField('status', 'you cannot disable or demote yourself');
    if (patch.password !== undefined) assertAcceptablePassword('password', patch.password, current.username);
    // The open cases handed over with the change (reassignToUnitId), for the answer and the audit entry.
    let reassigned: { unitId: string; cases: string[] } | null = null;
    if (patch.status !== undefined || patch.role !== undefined || patch.handlingUnitId !== undefined || patch.scopes) {
      const now: PersonState = { status: current.status, role: current.role, handlingUnitId: current.handlingUnitId, scope: current.scopes };
      const next: PersonState = {
        status: patch.status ?? current.status,
        role,
        handlingUnitId: unitId ?? null,
        scope: patch.scopes ? patch.scopes.map((s) => ({ subdistrictId: s.subdistrictId, committeeId: s.committeeId ?? null })) : current.scopes,
      };
      const field = next.status !== now.status ? 'status' : patch.scopes ? 'scopes' : role !== now.role ? 'role' : 'handlingUnitId';
      const stranded = await strandedCases(trx, id, now, next);
      if (stranded.length && !patch.reassignToUnitId) throw openCasesRefusal(actor, stranded, field, 'has open cases');
      if (stranded.length) reassigned = { unitId: patch.reassignToUnitId!, cases: await handToUnit(trx, clock, actor, id, stranded, patch.reassignToUnitId!) };
    }
    await trx
      .updateTable('users')
      .set({
        ...(patch.displayName !== undefined && { display_name: patch.displayName }),
        ...(patch.phone !== undefined && { phone: patch.phone ?? null }),
        ...(patch.certNumber !== undefined && { cert_number: patch.certNumber ?? null }),
        ...(patch.status !== undefined && { status: patch.status }),
        ...(patch.status === 'active' && current.status !== 'active' && { failed_logins: 0, locked_until: null }),
        ...(patch.password !== undefined && { password_hash: await hashPassword(patch.password), failed_logins: 0, locked_until: null, must_change_password: 1 }),
        ...(patch.scopes && { subdistrict_id: patch.scopes[0]?.subdistrictId ?? null }),
        role,
        handling_unit_id: unitId ?? null,
        updated_at: clock.now().toISOString(),
      })
      .where('id', '=', id)
      .execute();
    // A reset password or a re-enabled account unlocks it: the lock that sign-in checks is the
    // username's throttle row, not the users columns.
    if (patch.password !== undefined || (patch.status === 'active' && current.status !== 'active')) await clearAttempts(trx, usernameKey(current.username));
    if (patch.scopes) {
      await trx.deleteFrom('user_scopes').where('user_id', '=', id).execute();
      await trx
        .insertInto('user_scopes')
        .values(patch.scopes.map((s) => ({ id: newId(), user_id: id, subdistrict_id: s.subdistrictId, committee_id: s.committeeId ?? null })))
        .execute();
    }
    if (patch.status === 'disabled' || patch.password !== undefined) {
      await endSessionsOf(trx, id);
      await revokeTokensOf(trx, clock.now().toISOString(), id);
    } else if (role !== current.role || (unitId ?? null) !== current.handlingUnitId || (patch.scopes && !sameScopes(patch.scopes, current.scopes))) {
      // New privileges, new session id (the person's next request gets it).
      await rotateSessionsOf(trx, id);
    }
    const staff = await getStaff(trx, actor, id);
    return reassigned ? { ...staff, reassigned } : staff;
  });
}
