import type { Role } from '../../db/schema.js';
import { DomainError } from '../shared/errors.js';
import type { Actor } from './actor.js';

/**
 * What each role may do, read as sentences: "an operator may dispatch cases".
 * Scope (which subdistricts/committees) is applied separately, in every query.
 */
export const PERMISSIONS = {
  'registry.read': ['admin', 'operator', 'patrol', 'cadre', 'enforcement', 'handler', 'leader'],
  'registry.write': ['admin'],
  'registry.import': ['admin'],
  // Committee cadres keep their committee's site ledger (scope limits them to it).
  'registry.export': ['admin', 'operator', 'leader', 'cadre'],
  'staff.read': ['admin', 'operator', 'leader'],
  'staff.write': ['admin'],
  'catalogue.read': ['admin', 'operator', 'patrol', 'cadre', 'enforcement', 'handler', 'leader'],
  'catalogue.write': ['admin'],
  'cases.read': ['admin', 'operator', 'patrol', 'cadre', 'enforcement', 'handler', 'leader'],
  'audit.verify': ['admin', 'leader'],
  // The administrative audit log: searched and exported by administrators and leaders (oversight).
  'audit.read': ['admin', 'leader'],
  'tokens.manage': ['admin', 'operator', 'patrol', 'cadre', 'enforcement', 'handler', 'leader'],
  'calendar.write': ['admin'],
  'notifications.admin': ['admin'],
  'checkins.record': ['cadre', 'patrol'],
  'inspections.record': ['cadre', 'patrol', 'enforcement'],
  'patrols.read': ['admin', 'operator', 'leader', 'cadre', 'patrol', 'enforcement'],
  'coverage.read': ['admin', 'operator', 'leader', 'cadre', 'patrol'],
  'checklists.write': ['admin'],
  'campaigns.write': ['admin'],
  'grades.write': ['admin'],
  // Enforcement ladder (管执联动): officers act; the desk and leaders read; admins keep the legal bases.
  'enforcement.read': ['admin', 'operator', 'leader', 'enforcement'],
  'enforcement.act': ['enforcement'],
  'enforcement.admin': ['admin'],
  // Operations-centre dashboard (三实时): the desk, leaders and committee cadres (scope limits them).
  'dashboard.read': ['admin', 'operator', 'leader', 'cadre'],
  'dashboard.settings': ['admin'],
  // Spot checks (抽查) of self-resolved cases are the operations centre's.
  'cases.spot_check': ['admin', 'operator'],
  'cases.settings': ['admin'],
  // 一网通办: everyone reads the catalogue and network in scope; admins keep them; window staff
  // (committee cadres, centre handlers) record services; the back office and leaders see full
  // ID numbers (each reveal logged) and decide appeals against ratings.
  'services.read': ['admin', 'operator', 'patrol', 'cadre', 'enforcement', 'handler', 'leader'],
  'services.catalogue.write': ['admin'],
  'services.network.write': ['admin'],
  'services.serve': ['cadre', 'handler', 'operator', 'admin'],
  'services.records.read': ['admin', 'operator', 'leader', 'cadre', 'handler'],
  'services.reveal_id': ['admin', 'operator'],
  'services.ratings.review': ['admin', 'operator', 'leader'],
  'services.settings': ['admin'],
  // Open311 integration keys and marking public reports abusive.
  'open311.keys': ['admin'],
  'open311.moderate': ['admin', 'operator'],
  'jobs.run': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(actor: Pick<Actor, 'role'>, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(actor.role);
}

export function assertCan(actor: Pick<Actor, 'role'>, permission: Permission): void {
  if (!can(actor, permission)) {
    throw new DomainError('forbidden', `Role ${actor.role} may not ${permission}`, { permission });
  }
}

/** Permissions a role holds, sent to the UI so it offers only what the server allows. */
export function permissionsOf(role: Role): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((p) => (PERMISSIONS[p] as readonly Role[]).includes(role));
}
