import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { recordAudit } from '../audit/record-audit.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import type { ResponsiblePartyInput } from './site-input.js';
import type { z } from 'zod';

/**
 * Where an administrative change is audited from: the request's address (null from the command
 * line). Given, a change to a shared party's contact gets its own `responsible_party.update`
 * entry — the party is shared by many sites, so the site's own entry would not show it.
 */
export interface PartyAudit {
  actor: Actor;
  ip: string | null;
}

export interface PartyContact {
  id: string;
  subdistrict_id: string;
  name: string;
  kind: string;
  contact_name: string | null;
  contact_phone: string | null;
}

/** Audits a party's contact change, before and after (sites sharing the party all show the new one). */
export async function auditPartyChange(db: Db, clock: Clock, audit: PartyAudit | undefined, before: PartyContact, after: PartyContact) {
  if (!audit) return;
  const shape = (p: PartyContact) => ({ id: p.id, name: p.name, kind: p.kind, contactName: p.contact_name, contactPhone: p.contact_phone });
  await recordAudit(db, clock, {
    actor: audit.actor,
    action: 'responsible_party.update',
    entity: 'responsible_party',
    entityId: before.id,
    subdistrictId: before.subdistrict_id,
    before: shape(before),
    after: shape(after),
    ip: audit.ip,
  });
}

/**
 * Responsible parties (管理责任人) are shared between sites: a property company manages many
 * bin rooms. Matched by name and kind within the subdistrict (a unique index, so two concurrent
 * requests naming the same new party share one row); contact details are refreshed.
 */
export async function upsertResponsibleParty(
  db: Db,
  clock: Clock,
  subdistrictId: string,
  input: z.infer<typeof ResponsiblePartyInput>,
  audit?: PartyAudit,
  retried = false,
): Promise<string> {
  const existing = await db
    .selectFrom('responsible_parties')
    .select(['id', 'subdistrict_id', 'name', 'kind', 'contact_name', 'contact_phone'])
    .where('subdistrict_id', '=', subdistrictId)
    .where('name', '=', input.name)
    .where('kind', '=', input.kind)
    .executeTakeFirst();
  if (existing) {
    const contactName = input.contactName ?? existing.contact_name;
    const contactPhone = input.contactPhone ?? existing.contact_phone;
    if (contactName !== existing.contact_name || contactPhone !== existing.contact_phone) {
      await db
        .updateTable('responsible_parties')
        .set({ contact_name: contactName, contact_phone: contactPhone })
        .where('id', '=', existing.id)
        .execute();
      await auditPartyChange(db, clock, audit, existing, { ...existing, contact_name: contactName, contact_phone: contactPhone });
    }
    return existing.id;
  }
  const id = newId();
  const res = await db
    .insertInto('responsible_parties')
    .values({
      id,
      subdistrict_id: subdistrictId,
      name: input.name,
      kind: input.kind,
      contact_name: input.contactName ?? null,
      contact_phone: input.contactPhone ?? null,
      created_at: clock.now().toISOString(),
    })
    .onConflict((oc) => oc.columns(['subdistrict_id', 'kind', 'name']).doNothing())
    .executeTakeFirst();
  // Someone else created it since the lookup (and committed: PostgreSQL waits for them): use theirs.
  if (Number(res.numInsertedOrUpdatedRows ?? 0) === 0) {
    if (retried) throw new Error(`responsible party ${input.name} conflicts but cannot be read`);
    return upsertResponsibleParty(db, clock, subdistrictId, input, audit, true);
  }
  return id;
}
