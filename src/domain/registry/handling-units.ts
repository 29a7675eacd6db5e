import { z } from 'zod';
import type { Db } from '../../db/index.js';
import { HANDLING_UNIT_KINDS, type HandlingUnitKind, SITE_STATUSES } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { assertOwnsSubdistrict, subdistrictCondition } from '../auth/scope.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, invalidField, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { phoneFor } from '../auth/personal-data.js';
import { OPEN_STATUSES } from '../cases/lifecycle.js';

export const HandlingUnitInput = z.strictObject({
  subdistrictId: z.string().min(1),
  committeeId: z.string().min(1).nullish(),
  kind: z.enum(HANDLING_UNIT_KINDS),
  name: z.string().trim().min(1).max(100),
  /** Optional: without it English readers read the Chinese name. */
  nameEn: z.string().trim().min(1).max(100).nullish(),
  contactName: z.string().trim().max(50).nullish(),
  contactPhone: z.string().trim().regex(/^[0-9+\- ]{5,20}$/, 'expected a phone number').nullish(),
});
export type HandlingUnitInput = z.infer<typeof HandlingUnitInput>;

/**
 * An edit of a unit: any field of the creation but its subdistrict (its cases, staff and reports
 * belong there), and its status — a retired unit is no longer offered for dispatch
 * (dispatch-suggestions.ts, assignees.ts) but keeps the cases it already has.
 */
export const HandlingUnitPatch = HandlingUnitInput.omit({ subdistrictId: true })
  .partial()
  // The column shares the sites' status values (schema: HandlingUnitTable.status).
  .extend({ status: z.enum(SITE_STATUSES).optional() });
export type HandlingUnitPatch = z.infer<typeof HandlingUnitPatch>;

const UNIT_COLUMNS = [
  'id',
  'subdistrict_id as subdistrictId',
  'committee_id as committeeId',
  'kind',
  'name',
  'name_en as nameEn',
  'contact_name as contactName',
  'contact_phone as contactPhone',
  'status',
] as const;

export async function listHandlingUnits(db: Db, actor: Actor, f: { kind?: HandlingUnitKind; subdistrictId?: string }) {
  assertCan(actor, 'registry.read');
  let q = db.selectFrom('handling_units').select(UNIT_COLUMNS).where(subdistrictCondition(actor, 'subdistrict_id'));
  if (f.kind) q = q.where('kind', '=', f.kind);
  if (f.subdistrictId) q = q.where('subdistrict_id', '=', f.subdistrictId);
  const rows = await q.orderBy('kind').orderBy('name').execute();
  return rows.map((u) => ({ ...u, contactPhone: phoneFor(actor, 'unit', u.contactPhone) }));
}

export async function createHandlingUnit(db: Db, clock: Clock, actor: Actor, input: HandlingUnitInput) {
  assertCan(actor, 'registry.write');
  assertOwnsSubdistrict(actor, input.subdistrictId, 'Subdistrict');
  if (input.committeeId) await assertCommitteeOf(db, input.committeeId, input.subdistrictId);
  const id = newId();
  await db
    .insertInto('handling_units')
    .values({
      id,
      subdistrict_id: input.subdistrictId,
      committee_id: input.committeeId ?? null,
      kind: input.kind,
      name: input.name,
      name_en: input.nameEn ?? null,
      contact_name: input.contactName ?? null,
      contact_phone: input.contactPhone ?? null,
      status: 'active',
      created_at: clock.now().toISOString(),
    })
    .execute();
  return id;
}

async function assertCommitteeOf(db: Db, committeeId: string, subdistrictId: string) {
  const c = await db.selectFrom('committees').select('subdistrict_id').where('id', '=', committeeId).executeTakeFirst();
  if (!c || c.subdistrict_id !== subdistrictId) throw invalidField('committeeId', 'unknown committee');
}

/** One unit of the actor's subdistricts (else not_found, as for an absent one). */
export async function getHandlingUnit(db: Db, actor: Actor, id: string) {
  assertCan(actor, 'registry.read');
  const u = await db.selectFrom('handling_units').select(UNIT_COLUMNS).where('id', '=', id).where(subdistrictCondition(actor, 'subdistrict_id')).executeTakeFirst();
  if (!u) throw notFound('Handling unit', id);
  return { ...u, contactPhone: phoneFor(actor, 'unit', u.contactPhone) };
}

/**
 * Whether open cases or open enforcement tasks are dispatched to the unit: assigned to it, or
 * answering to it (responsible_unit_id: a case sent by name to one of its people, a committee's
 * cadre, has no assigned unit).
 */
async function hasOpenCases(db: Db, unitId: string) {
  const [c, e] = await Promise.all([
    db.selectFrom('cases').select('id')
      .where((eb) => eb.or([eb('assigned_unit_id', '=', unitId), eb('responsible_unit_id', '=', unitId)]))
      .where('status', 'in', OPEN_STATUSES).limit(1).executeTakeFirst(),
    db.selectFrom('enforcement_tasks').select('id').where('assigned_unit_id', '=', unitId).where('status', '=', 'open').limit(1).executeTakeFirst(),
  ]);
  return Boolean(c || e);
}

/**
 * Edits a unit of a subdistrict the administrator holds whole (another subdistrict's unit is
 * not_found). The kind and committee decide who may act on the unit's cases (assignees.ts
 * isAssignee) and who may not check them (independent-check.ts), so they change only while no
 * open case is dispatched to the unit: has_open_cases otherwise, naming the field.
 */
export async function updateHandlingUnit(db: Db, actor: Actor, id: string, patch: HandlingUnitPatch) {
  assertCan(actor, 'registry.write');
  const unit = await db.selectFrom('handling_units').selectAll().where('id', '=', id).executeTakeFirst();
  if (!unit) throw notFound('Handling unit', id);
  assertOwnsSubdistrict(actor, unit.subdistrict_id, 'Handling unit');
  if (patch.committeeId) await assertCommitteeOf(db, patch.committeeId, unit.subdistrict_id);
  const moved = (['kind', 'committeeId'] as const).find((f) =>
    f === 'kind' ? patch.kind !== undefined && patch.kind !== unit.kind : patch.committeeId !== undefined && (patch.committeeId ?? null) !== unit.committee_id,
  );
  if (moved && (await hasOpenCases(db, id))) {
    throw new DomainError('has_open_cases', `${moved}: open cases are dispatched to this unit`, {
      fields: [{ field: moved, reason: 'open cases are dispatched to this unit; close or re-dispatch them first' }],
    });
  }
  const set = {
    ...(patch.kind !== undefined && { kind: patch.kind }),
    ...(patch.committeeId !== undefined && { committee_id: patch.committeeId ?? null }),
    ...(patch.name !== undefined && { name: patch.name }),
    ...(patch.nameEn !== undefined && { name_en: patch.nameEn ?? null }),
    ...(patch.contactName !== undefined && { contact_name: patch.contactName || null }),
    ...(patch.contactPhone !== undefined && { contact_phone: patch.contactPhone || null }),
    ...(patch.status !== undefined && { status: patch.status }),
  };
  if (Object.keys(set).length) await db.updateTable('handling_units').set(set).where('id', '=', id).execute();
  return getHandlingUnit(db, actor, id);
}
