import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { ASSIGNABLE_ROLES } from './assignees.js';
import { loadVisibleCase } from './case-scope.js';
import { phoneFor } from '../auth/personal-data.js';

export interface Suggestion {
  unitId: string;
  name: string;
  kind: string;
  reason: 'responsible_party' | 'committee' | 'category_default';
}

export interface UnitPerson {
  userId: string;
  name: string;
  unitId: string;
}

/**
 * Where to dispatch: the site's responsible party when it is a handling unit (property
 * companies), the committee's own unit, and units of the category's default kind; and every
 * active member of the subdistrict's handling units who may be named on the case (name only), so the
 * picker can offer a named person under their unit.
 */
export async function dispatchSuggestions(db: Db, actor: Actor, caseId: string) {
  const c = await loadVisibleCase(db, actor, caseId);
  const category = await db.selectFrom('case_categories').select(['default_unit_kind']).where('id', '=', c.category_id).executeTakeFirstOrThrow();
  const party = c.site_id
    ? await db
        .selectFrom('sites as s')
        .innerJoin('responsible_parties as rp', 'rp.id', 's.responsible_party_id')
        .select(['rp.id', 'rp.name', 'rp.kind', 'rp.contact_name as contactName', 'rp.contact_phone as contactPhone'])
        .where('s.id', '=', c.site_id)
        .executeTakeFirst()
    : undefined;
  const units = await db
    .selectFrom('handling_units')
    .select(['id', 'name', 'kind', 'committee_id'])
    .where('subdistrict_id', '=', c.subdistrict_id)
    .where('status', '=', 'active')
    .orderBy('name')
    .execute();
  const out: Suggestion[] = [];
  const add = (u: (typeof units)[number], reason: Suggestion['reason']) => {
    if (!out.some((s) => s.unitId === u.id)) out.push({ unitId: u.id, name: u.name, kind: u.kind, reason });
  };
  if (party) for (const u of units.filter((x) => x.name === party.name)) add(u, 'responsible_party');
  const kind = category.default_unit_kind;
  if (kind === 'committee') for (const u of units.filter((x) => x.kind === 'committee' && x.committee_id === c.committee_id)) add(u, 'committee');
  else if (kind) for (const u of units.filter((x) => x.kind === kind)) add(u, 'category_default');
  // Only whom dispatch would take (resolveAssignee): someone of the subdistrict who handles cases and whose scope covers the case's committee.
  const people: UnitPerson[] = units.length
    ? (await db
        .selectFrom('users')
        .select(['id', 'display_name', 'handling_unit_id'])
        .where('handling_unit_id', 'in', units.map((u) => u.id))
        .where('status', '=', 'active')
        .where('subdistrict_id', '=', c.subdistrict_id)
        .where('role', 'in', ASSIGNABLE_ROLES)
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom('user_scopes as us')
              .select('us.user_id')
              .whereRef('us.user_id', '=', 'users.id')
              .where('us.subdistrict_id', '=', c.subdistrict_id)
              .where((x) => x.or([x('us.committee_id', 'is', null), x('us.committee_id', '=', c.committee_id)])),
          ),
        )
        .orderBy('display_name')
        .execute()).map((u) => ({ userId: u.id, name: u.display_name, unitId: u.handling_unit_id! }))
    : [];
  return { caseId: c.id, defaultUnitKind: kind, people, responsibleParty: party ? { ...party, contactPhone: phoneFor(actor, 'party', party.contactPhone) } : null, suggestions: out };
}
