import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import type { Clock } from '../shared/clock.js';
import { allowedActions } from './allowed-actions.js';
import { caseDto } from './case-dto.js';
import { loadVisibleCase } from './case-scope.js';
import { phoneFor } from '../auth/personal-data.js';
import type { GeofenceSettings } from '../checkins/geofence.js';
import { dispatchTargets, timelineEntries } from './timeline.js';

export interface CaseDetailOptions {
  /** The check-in geofence, to say whether each located event was at the site. */
  fence?: GeofenceSettings;
}

/** One case with its names, photos, merged duplicates, event timeline and the actions the actor may take (at the clock's now). */
export async function getCase(db: Db, clock: Clock, actor: Actor, id: string, opts: CaseDetailOptions = {}) {
  const c = await loadVisibleCase(db, actor, id);
  const [category, committee, site, unit, people, events, photos, merged] = await Promise.all([
    db.selectFrom('case_categories').select(['code', 'name_zh', 'name_en', 'severity', 'limit_mode', 'default_unit_kind']).where('id', '=', c.category_id).executeTakeFirstOrThrow(),
    db.selectFrom('committees').select(['name', 'name_en']).where('id', '=', c.committee_id).executeTakeFirstOrThrow(),
    c.site_id ? db.selectFrom('sites').select(['name', 'kind', 'address', 'lng', 'lat']).where('id', '=', c.site_id).executeTakeFirst() : undefined,
    c.assigned_unit_id ? db.selectFrom('handling_units').select(['name', 'kind', 'contact_name', 'contact_phone']).where('id', '=', c.assigned_unit_id).executeTakeFirst() : undefined,
    db.selectFrom('users').select(['id', 'display_name', 'role']).where('id', 'in', [c.reporter_id ?? '', c.assigned_user_id ?? '', c.checker_user_id ?? '']).execute(),
    db
      .selectFrom('case_events as e')
      .leftJoin('users as u', 'u.id', 'e.actor_user_id')
      .select([
        'e.id', 'e.seq', 'e.action', 'e.from_status as fromStatus', 'e.to_status as toStatus', 'e.actor_user_id as actorId',
        'u.display_name as actorName', 'e.actor_role as actorRole', 'e.actor_unit_id as actorUnitId', 'e.at', 'e.device_at as deviceAt', 'e.lng', 'e.lat',
        'e.accuracy_m as accuracy', 'e.note', 'e.photo_ids as photoIds', 'e.changes', 'e.hash',
      ])
      .where('e.case_id', '=', c.id)
      .orderBy('e.seq')
      .execute(),
    db.selectFrom('case_photos').select(['photo_id as id', 'event_id as eventId', 'purpose']).where('case_id', '=', c.id).execute(),
    db.selectFrom('cases').select(['id', 'number', 'reported_at as reportedAt']).where('merged_into_id', '=', c.id).execute(),
  ]);
  const person = (uid: string | null) => (uid ? people.find((p) => p.id === uid) : undefined);
  const allowed = await allowedActions(db, actor, c, clock.now());
  return {
    ...caseDto(c),
    category: { code: category.code, nameZh: category.name_zh, nameEn: category.name_en, severity: category.severity, limitMode: category.limit_mode },
    committee: { name: committee.name, nameEn: committee.name_en },
    site: site ? { id: c.site_id, name: site.name, kind: site.kind, address: site.address } : null,
    assignedUnit: unit ? { id: c.assigned_unit_id, name: unit.name, kind: unit.kind, contactName: unit.contact_name, contactPhone: phoneFor(actor, 'unit', unit.contact_phone) } : null,
    assignedUser: person(c.assigned_user_id) ? { id: c.assigned_user_id, name: person(c.assigned_user_id)!.display_name } : null,
    checker: person(c.checker_user_id ?? null) ? { id: c.checker_user_id, name: person(c.checker_user_id ?? null)!.display_name } : null,
    reporter: person(c.reporter_id) ? { id: c.reporter_id, name: person(c.reporter_id)!.display_name, role: c.reporter_role } : null,
    photos: photos.map((p) => ({ ...p, url: `/api/photos/${p.id}`, thumbUrl: `/api/photos/${p.id}/thumb` })),
    mergedCases: merged,
    timeline: timelineEntries(events, {
      reference: site ? { lng: Number(site.lng), lat: Number(site.lat), reference: 'site' } : { lng: Number(c.lng), lat: Number(c.lat), reference: 'case' },
      fence: opts.fence,
      ...(await timelineNames(db, c.subdistrict_id, events)),
    }),
    allowedActions: allowed.map((t) => ({ action: t.action, zh: t.zh, en: t.en, requires: t.requires })),
  };
}

/** Names of the units and people the timeline mentions (actors' units, dispatch targets), within the case's subdistrict. */
async function timelineNames(db: Db, subdistrictId: string, events: Parameters<typeof dispatchTargets>[0]) {
  const targets = [...dispatchTargets(events).values()];
  const unitIds = [...new Set([...events.map((e) => e.actorUnitId), ...targets.map((t) => t.unitId)].filter((x): x is string => !!x))];
  const userIds = [...new Set(targets.map((t) => t.userId).filter((x): x is string => !!x))];
  const [units, users] = await Promise.all([
    unitIds.length ? db.selectFrom('handling_units').select(['id', 'name']).where('id', 'in', unitIds).where('subdistrict_id', '=', subdistrictId).execute() : [],
    userIds.length ? db.selectFrom('users').select(['id', 'display_name as name']).where('id', 'in', userIds).execute() : [],
  ]);
  return { unitNames: new Map(units.map((u) => [u.id, u.name])), userNames: new Map(users.map((u) => [u.id, u.name])) };
}
