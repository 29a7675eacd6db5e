import type { Db } from '../../db/index.js';
import type { Clock } from '../shared/clock.js';
import { newId } from '../shared/ids.js';
import type { ResponsiblePartyInput } from './site-input.js';
import type { z } from 'zod';

/**
 * Responsible parties (管理责任人) are shared between sites: a property company manages many
 * bin rooms. Matched by name and kind within the subdistrict; contact details are refreshed.
 */
export async function upsertResponsibleParty(
  db: Db,
  clock: Clock,
  subdistrictId: string,
  input: z.infer<typeof ResponsiblePartyInput>,
): Promise<string> {
  const existing = await db
    .selectFrom('responsible_parties')
    .select(['id', 'contact_name', 'contact_phone'])
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
    }
    return existing.id;
  }
  const id = newId();
  await db
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
    .execute();
  return id;
}
