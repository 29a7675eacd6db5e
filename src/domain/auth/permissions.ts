import type { Role } from '../../db/schema.js';
import { DomainError } from '../shared/errors.js';
import type { Actor } from './actor.js';

const ALL: readonly Role[] = ['admin', 'operator', 'patrol', 'cadre', 'enforcement', 'handler', 'leader'];
/** Everyone but the leader: the leader (领导) reads and oversees, and writes nothing. */
const WORKERS: readonly Role[] = ['admin', 'operator', 'patrol', 'cadre', 'enforcement', 'handler'];

/**
 * What each role may do, read as sentences: "an operator may dispatch cases". Every route of the
 * API names one of these actions (src/server/routes/index.ts) and is refused (403 forbidden) to a
 * role not listed. Scope (which subdistricts/committees) is applied separately, in every query;
 * finer rules (which transition, which case source) stay in the domain.
 */
export const PERMISSIONS = {
  // The signed-in person's own things: who am I, my inbox, my tasks (marking my inbox read is not business data).
  'self.read': ALL,
  'self.write': ALL,
  // Choosing my own password (forced at first sign-in for accounts an administrator creates).
  'self.password': ALL,
  // Personal API tokens: created, listed and revoked from a browser session only (TOKEN_SCOPES).
  'tokens.manage': ALL,
  // The longest lifetime a token may have (an administrator's setting, audited).
  'tokens.settings': ['admin'],
  'registry.read': ALL,
  'registry.write': ['admin'],
  'registry.import': ['admin'],
  // Committee cadres keep their committee's site ledger (scope limits them to it).
  'registry.export': ['admin', 'operator', 'leader', 'cadre'],
  'staff.read': ['admin', 'operator', 'leader'],
  'staff.write': ['admin'],
  'catalogue.read': ALL,
  'catalogue.write': ['admin'],
  'cases.read': ALL,
  // Who may report is refined per source (lifecycle.ts SOURCES); who may act, per transition (TRANSITIONS).
  'cases.report': ['patrol', 'cadre', 'enforcement', 'operator', 'admin'],
  'cases.act': WORKERS,
  'cases.dispatch': ['operator', 'admin'],
  'photos.read': ALL,
  'photos.upload': WORKERS,
  'calendar.read': ALL,
  'audit.verify': ['admin', 'leader'],
  // The administrative audit log: searched and exported by administrators and leaders (oversight).
  'audit.read': ['admin', 'leader'],
  'calendar.write': ['admin'],
  'notifications.admin': ['admin'],
  // The administrator's setup checklist (their home): what the registry, staff, calendar and robot still miss.
  'setup.read': ['admin'],
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
  // Recording the later service (送达) of a document the party was absent for: the officers of the ladder.
  'enforcement.serve': ['enforcement'],
  'enforcement.admin': ['admin'],
  // Operations-centre dashboard (三实时): the desk, leaders and committee cadres (scope limits them).
  'dashboard.read': ['admin', 'operator', 'leader', 'cadre'],
  'dashboard.settings': ['admin'],
  // Turning this screen into a wall display (a read-only session without idle limit) for the dashboard.
  'dashboard.wall': ['admin', 'operator', 'leader', 'cadre'],
  // Spot checks (抽查) of self-resolved cases are the operations centre's.
  'cases.spot_check': ['admin', 'operator'],
  'cases.settings': ['admin'],
  // 一网通办: everyone reads the catalogue and network in scope; admins keep them; window staff
  // (committee cadres, centre handlers) record services; the back office sees full ID numbers
  // (each reveal logged), leaders see who revealed them; the desk decides appeals against ratings.
  'services.read': ALL,
  'services.catalogue.write': ['admin'],
  'services.network.write': ['admin'],
  'services.serve': ['cadre', 'handler', 'operator', 'admin'],
  // The window's queue: check in appointments, issue tickets, call, start, finish, skip (window staff of the point).
  'services.queue': ['cadre', 'handler', 'operator', 'admin'],
  'services.records.read': ['admin', 'operator', 'leader', 'cadre', 'handler'],
  'services.reveal_id': ['admin', 'operator'],
  'services.reveals.read': ['admin', 'operator', 'leader'],
  // 差评 follow-up: the person it is assigned to (or the desk) calls back, resolves, appeals.
  'services.followup': WORKERS,
  'services.ratings.review': ['admin', 'operator'],
  // The monthly ranking of points, staff and items by their ratings: the people who manage the network.
  'services.ratings.ranking': ['admin', 'operator', 'leader'],
  'services.settings': ['admin'],
  // Phone numbers of responsible parties, units and staff: shown whole to those who call them (personal-data.ts).
  'contacts.reveal': ['admin', 'operator', 'enforcement', 'cadre', 'handler', 'patrol'],
  // Open311 integration keys and marking public reports abusive.
  'open311.keys': ['admin'],
  'open311.moderate': ['admin', 'operator'],
  'jobs.run': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/** What a bearer token may be used for; always within what its owner's role may do. */
export const TOKEN_SCOPES = ['read', 'field', 'integration', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** Every scope reads; the write scopes each open their own kind of work. */
const READ: readonly TokenScope[] = TOKEN_SCOPES;
const FIELD: readonly TokenScope[] = ['field'];
const FIELD_OR_INTEGRATION: readonly TokenScope[] = ['field', 'integration'];
const ADMIN: readonly TokenScope[] = ['admin'];
/** Browser session only: no token, whatever its scope. */
const SESSION_ONLY: readonly TokenScope[] = [];

/**
 * Which token scopes grant each action (the second column of the table). read: every read action;
 * field: work on the street and at the window (check-ins, inspections, case steps, photos,
 * enforcement steps, service records); integration: cameras, IoT gateways and other platforms
 * reporting and updating cases with photos; admin: the administrator's writes. No token creates,
 * lists or revokes tokens, none changes its owner's password, and none reveals a masked ID number or phone (a person does, in a session).
 */
export const TOKEN_GRANTS = {
  'self.read': READ,
  'self.write': FIELD,
  'self.password': SESSION_ONLY,
  'tokens.manage': SESSION_ONLY,
  'tokens.settings': SESSION_ONLY,
  'registry.read': READ,
  'registry.write': ADMIN,
  'registry.import': ADMIN,
  'registry.export': READ,
  'staff.read': READ,
  'staff.write': ADMIN,
  'catalogue.read': READ,
  'catalogue.write': ADMIN,
  'cases.read': READ,
  'cases.report': FIELD_OR_INTEGRATION,
  'cases.act': FIELD_OR_INTEGRATION,
  'cases.dispatch': FIELD,
  'photos.read': READ,
  'photos.upload': FIELD_OR_INTEGRATION,
  'calendar.read': READ,
  'audit.verify': READ,
  'audit.read': READ,
  'calendar.write': ADMIN,
  'notifications.admin': ADMIN,
  'setup.read': READ,
  'checkins.record': FIELD,
  'inspections.record': FIELD,
  'patrols.read': READ,
  'coverage.read': READ,
  'checklists.write': ADMIN,
  'campaigns.write': ADMIN,
  'grades.write': ADMIN,
  'enforcement.read': READ,
  'enforcement.act': FIELD,
  'enforcement.serve': FIELD,
  'enforcement.admin': ADMIN,
  'dashboard.read': READ,
  'dashboard.settings': ADMIN,
  // Set up from a person's browser session only: neither a token nor a wall display mints another.
  'dashboard.wall': SESSION_ONLY,
  'cases.spot_check': FIELD,
  'cases.settings': ADMIN,
  'services.read': READ,
  'services.catalogue.write': ADMIN,
  'services.network.write': ADMIN,
  'services.serve': FIELD,
  'services.queue': FIELD,
  'services.records.read': READ,
  'services.reveal_id': SESSION_ONLY,
  'services.reveals.read': READ,
  'services.followup': FIELD,
  'services.ratings.review': FIELD,
  'services.ratings.ranking': READ,
  'services.settings': ADMIN,
  'contacts.reveal': SESSION_ONLY,
  'open311.keys': SESSION_ONLY,
  'open311.moderate': FIELD,
  'jobs.run': ADMIN,
} as const satisfies Record<Permission, readonly TokenScope[]>;

/** What a route requires: an action of the table, or nothing at all ('public'). */
export type RouteAccess = Permission | 'public';

export function can(actor: Pick<Actor, 'role'>, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(actor.role);
}

/** Whether a bearer token with these scopes may be used for the action (its owner's role is checked apart). */
export function tokenGrants(scopes: readonly TokenScope[], permission: Permission): boolean {
  return (TOKEN_GRANTS[permission] as readonly TokenScope[]).some((s) => scopes.includes(s));
}

export function assertCan(actor: Pick<Actor, 'role'>, permission: Permission): void {
  if (!can(actor, permission)) {
    throw new DomainError('forbidden', `Role ${actor.role} may not ${permission}`, { permission });
  }
}

/**
 * The route gate: the caller's role must hold the action and, for a bearer token, one of the
 * token's scopes must grant it. `tokenScopes` is null for a browser session (["read"] for a wall display).
 */
export function assertMay(actor: Pick<Actor, 'role'>, permission: Permission, tokenScopes: readonly TokenScope[] | null): void {
  assertCan(actor, permission);
  if (tokenScopes && !tokenGrants(tokenScopes, permission)) {
    throw new DomainError('forbidden', `This API token's (or wall display's) scopes (${tokenScopes.join(', ') || 'none'}) do not allow ${permission}`, {
      permission,
      tokenScopes,
    });
  }
}

/** Permissions a role holds, sent to the UI so it offers only what the server allows. */
export function permissionsOf(role: Role): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((p) => (PERMISSIONS[p] as readonly Role[]).includes(role));
}
