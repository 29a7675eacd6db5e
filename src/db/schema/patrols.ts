import type { SiteKind } from './registry.js';

/** Patrols and coverage: checklists, check-ins, inspections, campaigns, compliance grades, evidence photo uses. */

export const CHECKIN_METHODS = ['gps', 'qr', 'manual'] as const;
export type CheckinMethod = (typeof CHECKIN_METHODS)[number];
export const CHECKIN_STATUSES = ['on_site', 'off_site'] as const;
export type CheckinStatus = (typeof CHECKIN_STATUSES)[number];
/** Why a check-in has no GPS/QR proof (method 'manual'). */
export const MANUAL_POSITION_REASONS = ['geolocation_denied', 'weak_signal', 'indoor_no_fix', 'other'] as const;
export type ManualPositionReason = (typeof MANUAL_POSITION_REASONS)[number];
export const ANSWER_RESULTS = ['pass', 'fail', 'na'] as const;
export type AnswerResult = (typeof ANSWER_RESULTS)[number];
export const FAIL_RESOLUTIONS = ['fixed', 'reported'] as const;
export type FailResolution = (typeof FAIL_RESOLUTIONS)[number];
export const GRADES = ['red', 'yellow', 'green'] as const;
export type Grade = (typeof GRADES)[number];

/** An immutable checklist version; publishing a change creates the next version. */
export interface ChecklistTable {
  id: string;
  subdistrict_id: string;
  site_kind: SiteKind;
  version: number;
  name: string;
  name_en: string;
  created_by: string | null;
  created_at: string;
}

export interface ChecklistItemTable {
  id: string;
  checklist_id: string;
  position: number;
  code: string;
  text: string;
  text_en: string;
  photo_required_on_fail: number;
}

/** One row per site + person + disposal window; repeats fold in (repeat_count, last_*). */
export interface CheckinTable {
  id: string;
  subdistrict_id: string;
  committee_id: string;
  site_id: string;
  user_id: string;
  /** 'YYYY-MM-DD' in Asia/Shanghai */
  local_date: string;
  /** '2026-05-26@07:00-09:00', or '2026-05-26@outside' when no disposal window was open */
  window_key: string;
  in_window: number;
  method: CheckinMethod;
  status: CheckinStatus;
  off_site_reason: string | null;
  /** method 'manual' only: why there was no position, and the person's own words */
  manual_reason: ManualPositionReason | null;
  manual_note: string | null;
  lat: number | null;
  lng: number | null;
  accuracy_m: number | null;
  distance_m: number | null;
  photo_id: string;
  device_time: string | null;
  /** when the check-in was captured: the device time when believable (capture-time.ts), else server time */
  first_at: string;
  last_at: string;
  /** the server's time when the first proof arrived (null on rows older than this column) */
  received_at: string | null;
  repeat_count: number;
  last_photo_id: string | null;
  /** JSON array of EvidenceFlag */
  evidence_flags: string;
}

/** subject = 'site' (the bin room's own row) or the responsible cadre's user id. */
export interface CheckinMissTable {
  id: string;
  subdistrict_id: string;
  committee_id: string;
  site_id: string;
  subject: string;
  user_id: string | null;
  local_date: string;
  window_key: string;
  window_end_at: string;
  created_at: string;
}

export interface PatrolJobCursorTable {
  name: string;
  cursor_at: string;
  updated_at: string;
}

export interface CampaignTable {
  id: string;
  subdistrict_id: string;
  name: string;
  /** JSON array of SiteKind */
  site_kinds: string;
  /** JSON array of committee ids; null = the whole subdistrict */
  committee_ids: string | null;
  start_date: string;
  end_date: string;
  created_by: string | null;
  created_at: string;
}

export interface InspectionTable {
  id: string;
  subdistrict_id: string;
  committee_id: string;
  site_id: string;
  site_kind: SiteKind;
  checklist_id: string;
  inspector_id: string;
  outcome: 'pass' | 'fail';
  failed_count: number;
  unresolved_count: number;
  lat: number | null;
  lng: number | null;
  accuracy_m: number | null;
  note: string | null;
  local_date: string;
  recorded_at: string;
  evidence_flags: string;
}

export interface InspectionAnswerTable {
  id: string;
  inspection_id: string;
  item_id: string;
  result: AnswerResult;
  note: string | null;
  photo_ids: string;
  after_photo_ids: string;
  resolution: FailResolution | null;
}

export interface InspectionCaseTable {
  inspection_id: string;
  answer_id: string;
  case_id: string;
  resolution: FailResolution;
}

export interface InspectionIntervalTable {
  subdistrict_id: string;
  site_kind: SiteKind;
  grade: Grade;
  days: number;
  updated_at: string;
}

export interface SiteComplianceTable {
  site_id: string;
  subdistrict_id: string;
  committee_id: string;
  site_kind: SiteKind;
  grade: Grade;
  grade_since: string;
  last_inspected_at: string | null;
  next_due_at: string;
  updated_at: string;
}

export interface SiteGradeChangeTable {
  id: string;
  site_id: string;
  subdistrict_id: string;
  committee_id: string;
  from_grade: Grade | null;
  to_grade: Grade;
  /** JSON: the rule's inputs and the reason codes that decided */
  reason: string;
  changed_at: string;
}

export interface EvidencePhotoUseTable {
  id: string;
  subdistrict_id: string;
  photo_id: string;
  sha256: string;
  record_kind: 'checkin' | 'inspection' | 'case';
  record_id: string;
  used_at: string;
}
