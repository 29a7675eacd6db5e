import type { HandlingUnitKind, SiteKind } from './registry.js';

/** The case loop: catalogue, cases, their hash-chained events, photos and idempotency keys. */

export const CATEGORY_LEVELS = ['class', 'subclass', 'standard'] as const;
export type CategoryLevel = (typeof CATEGORY_LEVELS)[number];
export const LIMIT_MODES = ['working', 'calendar'] as const;
export const SEVERITIES = ['low', 'normal', 'high', 'urgent'] as const;
/** Who a handled case of a category waits on for its check (never its handler nor the handling unit). */
export const CHECK_BY = ['reporter', 'committee', 'operations'] as const;
export type CheckBy = (typeof CHECK_BY)[number];
export const SPOT_CHECK_STATES = ['pending', 'passed', 'failed'] as const;
export type SpotCheckState = (typeof SPOT_CHECK_STATES)[number];
export type Severity = (typeof SEVERITIES)[number];

/** Problem catalogue: class → sub-class → working standard, one tree per subdistrict. */
export interface CaseCategoryTable {
  id: string;
  subdistrict_id: string;
  parent_id: string | null;
  level: CategoryLevel;
  code: string;
  name_zh: string;
  name_en: string;
  default_unit_kind: HandlingUnitKind | null;
  file_hours: number;
  dispatch_hours: number;
  handle_hours: number;
  check_hours: number;
  limit_mode: (typeof LIMIT_MODES)[number];
  severity: Severity;
  /** JSON array of SiteKind; empty = any place */
  site_kinds: string;
  sort_order: number;
  /** Default checker policy (added later: optional for rows written before it) */
  check_by?: CheckBy;
  active: number;
  version: number;
  created_at: string;
  updated_at: string;
}

export const CASE_STATUSES = ['reported', 'filed', 'dispatched', 'handled', 'closed', 'cancelled', 'on_hold', 'merged'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export const CASE_SOURCES = ['patrol', 'self_resolved', 'checkin', 'citizen', 'camera', 'iot', 'enforcement', 'open311', 'hotline'] as const;
export type CaseSource = (typeof CASE_SOURCES)[number];
export const PENDING_REQUESTS = ['hold', 'extension'] as const;
export type PendingRequest = (typeof PENDING_REQUESTS)[number];

export interface CaseTable {
  id: string;
  subdistrict_id: string;
  committee_id: string;
  grid_id: string | null;
  site_id: string | null;
  category_id: string;
  number: string;
  source: CaseSource;
  status: CaseStatus;
  pending_request: PendingRequest | null;
  requested_due_at: string | null;
  description: string;
  lng: number;
  lat: number;
  reporter_id: string | null;
  reporter_role: string;
  assigned_unit_id: string | null;
  assigned_user_id: string | null;
  merged_into_id: string | null;
  /** Why the case was cancelled, put on hold or reopened (the latest such reason). */
  status_reason: string | null;
  rework_count: number;
  redispatch_count: number;
  reopen_count: number;
  extension_count: number;
  overdue_count: number;
  version: number;
  reported_at: string;
  filed_at: string | null;
  dispatched_at: string | null;
  handled_at: string | null;
  closed_at: string | null;
  cancelled_at: string | null;
  stage_started_at: string | null;
  /** Due time of the current stage; null when the case waits on nobody (closed, on hold…). */
  stage_due_at: string | null;
  remind_at: string | null;
  reminded_key: string | null;
  overdue_at: string | null;
  escalated_key: string | null;
  handle_due_at: string | null;
  handled_on_time: number | null;
  closed_on_time: number | null;
  updated_at: string;
  /** Who the check waits on (null = the operations desk); never the handler or the handling unit. */
  checker_user_id?: string | null;
  /** Working time (ms) left on the handling clock when a hold began; resumed on release. */
  held_remaining_ms?: number | null;
  /** 1 after a failed check until the case is handled again (by the same unit = rework) or re-dispatched elsewhere. */
  rework_pending?: number;
  /** Self-resolved cases sampled for a spot check (抽查) by the operations centre. */
  spot_check?: SpotCheckState | null;
  spot_checked_at?: string | null;
  spot_checked_by?: string | null;
  /**
   * The handling unit the case is answerable to, set with every dispatch (派遣 / 改派): the unit
   * named, else the unit of the person named alone (dispatchedUnitOf: their handling unit, the
   * committee's own unit for a cadre, the enforcement team for an officer). null: never dispatched,
   * or sent to a person with no unit. The dashboard's live figures and the desk's unit filter read it,
   * so they count a case against the unit the folded figures count it against.
   */
  responsible_unit_id?: string | null;
}

export interface CaseLoopSettingsTable {
  subdistrict_id: string;
  spot_check_percent: number;
  updated_at: string;
}

export interface CaseNumberCounterTable {
  subdistrict_id: string;
  day: string;
  last: number;
}

export interface CaseEventTable {
  id: string;
  subdistrict_id: string;
  seq: number;
  case_id: string;
  action: string;
  from_status: string | null;
  to_status: CaseStatus;
  actor_user_id: string | null;
  actor_role: string;
  /** The actor's handling unit when the event was recorded (null for earlier events and people of no unit). */
  actor_unit_id?: string | null;
  at: string;
  device_at: string | null;
  lng: number | null;
  lat: number | null;
  accuracy_m: number | null;
  note: string | null;
  /** JSON array of photo ids */
  photo_ids: string;
  /** JSON object field → [from, to] */
  changes: string;
  prev_hash: string;
  hash: string;
}

export interface ChainHeadTable {
  subdistrict_id: string;
  seq: number;
  /** The hash before the last move (null on heads written before it was kept, and by bulk loaders). */
  prev_hash?: string | null;
  hash: string;
  updated_at: string;
}

export const CASE_PHOTO_PURPOSES = ['before', 'after', 'evidence'] as const;
export interface CasePhotoTable {
  id: string;
  case_id: string;
  event_id: string;
  photo_id: string;
  subdistrict_id: string;
  committee_id: string;
  purpose: (typeof CASE_PHOTO_PURPOSES)[number];
}

export interface IdempotencyKeyTable {
  user_id: string;
  key: string;
  route: string;
  request_hash: string;
  status_code: number | null;
  response: string | null;
  created_at: string;
}
