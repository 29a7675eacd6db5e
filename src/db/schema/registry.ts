import type { ColumnType, Generated } from 'kysely';

/** Registry, staff and sign-in: districts → subdistricts → committees → grids, sites and their responsible parties, handling units, users, scopes, sessions, API tokens. */

export const SITE_KINDS = ['bin_room', 'institution', 'shop'] as const;
export type SiteKind = (typeof SITE_KINDS)[number];

export const SITE_STATUSES = ['active', 'retired'] as const;
export type SiteStatus = (typeof SITE_STATUSES)[number];

export const PARTY_KINDS = ['property_company', 'shop_operator', 'unit'] as const;
export type PartyKind = (typeof PARTY_KINDS)[number];

export const HANDLING_UNIT_KINDS = ['property_company', 'sanitation_company', 'committee', 'enforcement_team'] as const;
export type HandlingUnitKind = (typeof HANDLING_UNIT_KINDS)[number];

export const ROLES = ['admin', 'operator', 'patrol', 'cadre', 'enforcement', 'handler', 'leader'] as const;
export type Role = (typeof ROLES)[number];

export const USER_STATUSES = ['active', 'disabled'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/** browser: a person's sign-in; wall: an operations-centre wall display (read-only, no idle limit). */
export const SESSION_KINDS = ['browser', 'wall'] as const;
export type SessionKind = (typeof SESSION_KINDS)[number];

export const SIGN_IN_OUTCOMES = ['success', 'bad_credentials', 'locked', 'rate_limited', 'disabled'] as const;
export type SignInOutcome = (typeof SIGN_IN_OUTCOMES)[number];

export interface DistrictTable {
  id: string;
  code: string;
  name: string;
  name_en: string;
  created_at: string;
}

export interface SubdistrictTable {
  id: string;
  district_id: string;
  code: string;
  name: string;
  name_en: string;
  created_at: string;
  /** Letters for case numbers, e.g. HQ */
  case_prefix?: string | null;
}

export interface CommitteeTable {
  id: string;
  subdistrict_id: string;
  code: string;
  name: string;
  name_en: string;
  created_at: string;
}

export interface GridTable {
  id: string;
  subdistrict_id: string;
  committee_id: string;
  code: string;
  name: string;
  created_at: string;
}

export interface ResponsiblePartyTable {
  id: string;
  subdistrict_id: string;
  name: string;
  kind: PartyKind;
  contact_name: string | null;
  contact_phone: string | null;
  created_at: string;
}

export interface SiteTable {
  id: string;
  subdistrict_id: string;
  committee_id: string;
  grid_id: string | null;
  kind: SiteKind;
  name: string;
  address: string;
  lng: number;
  lat: number;
  responsible_party_id: string | null;
  /** JSON array of [start, end] "HH:MM" pairs, Asia/Shanghai local time; bin rooms only. */
  disposal_hours: string | null;
  qr_code: string | null;
  status: SiteStatus;
  retired_at: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface HandlingUnitTable {
  id: string;
  subdistrict_id: string;
  committee_id: string | null;
  kind: HandlingUnitKind;
  name: string;
  /** The name in English, for English readers (the public tracking page); null: read the Chinese name. */
  name_en: ColumnType<string | null, string | null | undefined, string | null>;
  contact_name: string | null;
  contact_phone: string | null;
  status: SiteStatus;
  created_at: string;
}

export interface UserTable {
  id: string;
  username: string;
  display_name: string;
  phone: string | null;
  password_hash: string;
  role: Role;
  /** The subdistrict the person belongs to (distribution key); null for district-level staff. */
  subdistrict_id: string | null;
  handling_unit_id: string | null;
  /** 执法证号: the law-enforcement certificate number officers sign documents with. */
  cert_number: string | null;
  status: UserStatus;
  failed_logins: number;
  locked_until: string | null;
  /** 1 = an administrator set the password: every API but changing it answers password_change_required. */
  must_change_password: Generated<number>;
  created_at: string;
  updated_at: string;
}

/** A row grants a whole subdistrict (committee_id null) or one committee of it. */
export interface UserScopeTable {
  id: string;
  user_id: string;
  subdistrict_id: string;
  committee_id: string | null;
}

export interface SessionTable {
  id: string;
  user_id: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
  ip: string | null;
  user_agent: string | null;
  /** 1 = the user's role or scope changed: the next request gets a new session id. */
  rotate_pending: Generated<number>;
  kind: Generated<SessionKind>;
}

export interface ApiTokenTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
  /** JSON array of token scopes (read, field, integration, admin). */
  scopes: string;
}

export interface SignInEventTable {
  id: string;
  user_id: string | null;
  username: string;
  ip: string | null;
  user_agent: string | null;
  outcome: SignInOutcome;
  at: string;
}

/** One throttled sign-in key (`u:<username>` or `ip:<address>`): attempts claimed in the current window. */
export interface SignInThrottleTable {
  key: string;
  window_start: string;
  attempts: number;
}

/** System-wide settings an administrator changes (e.g. the longest API token lifetime). */
export interface SystemSettingTable {
  key: string;
  value: string;
  updated_at: string;
  updated_by: string | null;
}
