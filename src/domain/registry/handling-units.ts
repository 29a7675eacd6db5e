import { z } from 'zod';
import type { Db } from '../../db/index.js';
import { HANDLING_UNIT_KINDS, type HandlingUnitKind } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { assertOwnsSubdistrict, subdistrictCondition } from '../auth/scope.js';
import type { Clock } from '../shared/clock.js';
import { invalidField } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { phoneFor } from '../auth/personal-data.js';

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

export async function listHandlingUnits(db: Db, actor: Actor, f: { kind?: HandlingUnitKind; subdistrictId?: string }) {
  assertCan(actor, 'registry.read');
  let q = db
    .selectFrom('handling_units')
    .select([
      'id',
      'subdistrict_id as subdistrictId',
      'committee_id as committeeId',
      'kind',
      'name',
      'name_en as nameEn',
      'contact_name as contactName',
      'contact_phone as contactPhone',
      'status',
    ])
    .where(subdistrictCondition(actor, 'subdistrict_id'));
  if (f.kind) q = q.where('kind', '=', f.kind);
  if (f.subdistrictId) q = q.where('subdistrict_id', '=', f.subdistrictId);
  const rows = await q.orderBy('kind').orderBy('name').execute();
  return rows.map((u) => ({ ...u, contactPhone: phoneFor(actor, 'unit', u.contactPhone) }));
}

export async function createHandlingUnit(db: Db, clock: Clock, actor: Actor, input: HandlingUnitInput) {
  assertCan(actor, 'registry.write');
  assertOwnsSubdistrict(actor, input.subdistrictId, 'Subdistrict');
  if (input.committeeId) {
    const c = await db.selectFrom('committees').select('subdistrict_id').where('id', '=', input.committeeId).executeTakeFirst();
    if (!c || c.subdistrict_id !== input.subdistrictId) throw invalidField('committeeId', 'unknown committee');
  }
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
