import type { Db } from '../../db/index.js';
import type { Role } from '../../db/schema.js';
import { recordAudit } from '../audit/record-audit.js';
import { maskPhone } from '../service-records/masking.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, notFound } from '../shared/errors.js';
import type { Actor } from './actor.js';
import { assertCan } from './permissions.js';
import { scopeCondition, subdistrictCondition } from './scope.js';

/** The phone numbers the platform keeps: responsible parties' contacts, handling units' contacts, staff. */
export const PHONE_KINDS = ['party', 'unit', 'staff'] as const;
export type PhoneKind = (typeof PHONE_KINDS)[number];

/**
 * Who sees each kind of phone number whole in lists, pages and Excel exports, because their daily
 * work is calling that person: the desk dispatches and calls parties and units, officers and
 * committee cadres call the shops and properties they deal with, units call each other, the
 * administrator keeps the registry and the staff list (forms that edit a number need it whole).
 * Everyone else sees 138****5678 (masking.ts).
 */
export const PHONE_FULL: Record<PhoneKind, readonly Role[]> = {
  party: ['admin', 'operator', 'enforcement', 'cadre'],
  unit: ['admin', 'operator', 'enforcement', 'cadre', 'handler'],
  staff: ['admin'],
};

/**
 * Who may reveal one masked number on demand (POST /api/reveal/phone, each reveal in the audit
 * log): a patrol officer or a unit's handler who must call a shop, a patrol officer a unit, the
 * desk a colleague. The leader oversees and calls nobody through the platform: masked, no reveal.
 */
export const PHONE_REVEAL: Record<PhoneKind, readonly Role[]> = {
  party: ['patrol', 'handler'],
  unit: ['patrol'],
  staff: ['operator'],
};

export const seesPhone = (actor: Pick<Actor, 'role'>, kind: PhoneKind) => PHONE_FULL[kind].includes(actor.role);

/** The phone number as this actor may see it in a list or an export. */
export function phoneFor(actor: Pick<Actor, 'role'>, kind: PhoneKind, phone: string | null): string | null {
  return seesPhone(actor, kind) ? phone : maskPhone(phone);
}

/** Reads the number behind a masked one, if the actor may see that person at all (else 404). */
async function loadPhone(db: Db, actor: Actor, kind: PhoneKind, id: string): Promise<{ phone: string | null; subdistrictId: string | null }> {
  if (kind === 'party') {
    // A responsible party is seen through a site of it in the actor's scope.
    const row = await db
      .selectFrom('responsible_parties as rp')
      .innerJoin('sites as s', 's.responsible_party_id', 'rp.id')
      .select(['rp.contact_phone as phone', 'rp.subdistrict_id as subdistrictId'])
      .where('rp.id', '=', id)
      .where(scopeCondition(actor, 's.subdistrict_id', 's.committee_id'))
      .executeTakeFirst();
    if (!row) throw notFound('Responsible party', id);
    return row;
  }
  if (kind === 'unit') {
    const row = await db
      .selectFrom('handling_units')
      .select(['contact_phone as phone', 'subdistrict_id as subdistrictId'])
      .where('id', '=', id)
      .where(subdistrictCondition(actor, 'subdistrict_id'))
      .executeTakeFirst();
    if (!row) throw notFound('Handling unit', id);
    return row;
  }
  const row = await db
    .selectFrom('users')
    .select(['phone', 'subdistrict_id as subdistrictId'])
    .where('id', '=', id)
    .where(subdistrictCondition(actor, 'subdistrict_id'))
    .executeTakeFirst();
  if (!row) throw notFound('Staff member', id);
  return row;
}

/**
 * Shows one full phone number to a role that may reveal it, and records who saw whose number,
 * when and from where in the audit log (the number itself is not written there).
 */
export async function revealPhone(db: Db, clock: Clock, actor: Actor, input: { kind: PhoneKind; id: string; ip: string | null }) {
  assertCan(actor, 'contacts.reveal');
  const { kind, id } = input;
  if (!seesPhone(actor, kind) && !PHONE_REVEAL[kind].includes(actor.role)) {
    throw new DomainError('forbidden', `Role ${actor.role} may not reveal ${kind} phone numbers`, { permission: 'contacts.reveal', kind });
  }
  const found = await loadPhone(db, actor, kind, id);
  await recordAudit(db, clock, {
    actor,
    action: 'reveal.phone',
    entity: 'reveal',
    entityId: id,
    subdistrictId: found.subdistrictId,
    after: { field: `${kind}.phone`, masked: maskPhone(found.phone) },
    ip: input.ip,
  });
  return { kind, id, phone: found.phone };
}
