
/**
 * Row types, one interface per table. Times are ISO-8601 UTC strings on both engines
 * (SQLite stores text; PostgreSQL stores timestamptz and the pg parser returns ISO strings).
 * Ids are UUIDv7 strings. Booleans are stored as 0/1 integers on both engines.
 */
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
  status: UserStatus;
  failed_logins: number;
  locked_until: string | null;
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

export const CALENDAR_OVERRIDE_KINDS = ['workday', 'holiday'] as const;
export type CalendarOverrideKind = (typeof CALENDAR_OVERRIDE_KINDS)[number];

/** A correction to the working-day calendar; subdistrict_id null = everywhere. */
export interface CalendarOverrideTable {
  id: string;
  subdistrict_id: string | null;
  /** 'YYYY-MM-DD', Asia/Shanghai calendar date */
  date: string;
  kind: CalendarOverrideKind;
  note: string;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface NotificationTable {
  id: string;
  subdistrict_id: string;
  kind: string;
  title: string;
  body: string;
  case_id: string | null;
  dedupe_key: string | null;
  created_at: string;
}

export interface InboxItemTable {
  id: string;
  notification_id: string;
  user_id: string;
  created_at: string;
  read_at: string | null;
}

export interface NotificationWebhookTable {
  id: string;
  subdistrict_id: string;
  url: string;
  enabled: number;
  created_at: string;
  updated_at: string;
}

export const DELIVERY_STATUSES = ['pending', 'sending', 'sent', 'failed', 'skipped'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Webhook outbox row; url null = the global WECOM_WEBHOOK_URL at delivery time. */
export interface WebhookDeliveryTable {
  id: string;
  notification_id: string;
  subdistrict_id: string;
  url: string | null;
  /** JSON body exactly as POSTed to the robot */
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: string;
  claim_token: string | null;
  claimed_until: string | null;
  last_error: string | null;
  sent_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface PhotoTable {
  id: string;
  subdistrict_id: string | null;
  uploaded_by: string;
  sha256: string;
  mime: string;
  bytes: number;
  width: number | null;
  height: number | null;
  storage_key: string;
  thumb_key: string | null;
  exif_taken_at: string | null;
  exif_lat: number | null;
  exif_lng: number | null;
  created_at: string;
}

export const CATEGORY_LEVELS = ['class', 'subclass', 'standard'] as const;
export type CategoryLevel = (typeof CATEGORY_LEVELS)[number];
export const LIMIT_MODES = ['working', 'calendar'] as const;
export const SEVERITIES = ['low', 'normal', 'high', 'urgent'] as const;
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
  active: number;
  version: number;
  created_at: string;
  updated_at: string;
}

export const CASE_STATUSES = ['reported', 'filed', 'dispatched', 'handled', 'closed', 'cancelled', 'on_hold', 'merged'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export const CASE_SOURCES = ['patrol', 'self_resolved', 'checkin', 'citizen', 'camera', 'iot', 'enforcement'] as const;
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
  record_kind: 'checkin' | 'inspection';
  record_id: string;
  used_at: string;
}

export const ENFORCEMENT_STAGES = ['opened', 'ordered', 'order_failed', 'noticed', 'notice_failed', 'decided', 'closed'] as const;
export type EnforcementStage = (typeof ENFORCEMENT_STAGES)[number];
export const ENFORCEMENT_STEP_KINDS = ['order', 'reinspection', 'notice', 'decision', 'payment', 'dispatch', 'overdue'] as const;
export type EnforcementStepKind = (typeof ENFORCEMENT_STEP_KINDS)[number];
export const ENFORCEMENT_DOC_KINDS = ['order', 'notice', 'decision'] as const;
export type EnforcementDocKind = (typeof ENFORCEMENT_DOC_KINDS)[number];

export interface EnforcementSettingsTable {
  subdistrict_id: string;
  office_name: string;
  agency_name: string;
  /** JSON: { order, notice, decision } patterns with {office} {year} {seq} {seq4} placeholders */
  number_patterns: string;
  repeat_window_days: number;
  repeat_starts_at_notice: number;
  payment_days: number;
  reinspection_hours: number;
  signing_key: string;
  updated_at: string;
}

export interface LegalBasisTable {
  id: string;
  subdistrict_id: string;
  code: string;
  current_version: number;
  active: number;
  created_at: string;
  updated_at: string;
}

export interface LegalBasisVersionTable {
  id: string;
  legal_basis_id: string;
  version: number;
  regulation_zh: string;
  regulation_en: string;
  article: string;
  clause: string | null;
  duty_zh: string;
  duty_en: string;
  penalty_zh: string;
  penalty_en: string;
  fine_min: number;
  fine_max: number;
  /** JSON array of discretion bands */
  bands: string;
  agency_zh: string;
  agency_en: string;
  created_by: string | null;
  created_at: string;
}

export interface EnforcementCaseTable {
  id: string;
  subdistrict_id: string;
  committee_id: string;
  site_id: string | null;
  party_id: string;
  case_id: string;
  origin: 'inspection' | 'case' | 'direct';
  inspection_id: string | null;
  legal_basis_id: string;
  facts: string;
  stage: EnforcementStage;
  outcome: 'rectified' | 'paid' | null;
  prior_violations: number;
  deadline_at: string | null;
  reinspect_at: string | null;
  fine_amount: number | null;
  payment_due_at: string | null;
  overdue_at: string | null;
  paid_at: string | null;
  opened_by: string;
  opened_at: string;
  closed_at: string | null;
  updated_at: string;
  version: number;
}

export interface EnforcementStepTable {
  id: string;
  enforcement_case_id: string;
  subdistrict_id: string;
  kind: EnforcementStepKind;
  from_stage: string;
  to_stage: string;
  result: 'rectified' | 'not_rectified' | null;
  actor_user_id: string | null;
  co_officer_id: string | null;
  at: string;
  lng: number | null;
  lat: number | null;
  accuracy_m: number | null;
  place: string | null;
  note: string | null;
  education_given: number | null;
  acknowledgement: 'signed' | 'refused' | 'absent' | null;
  deadline_at: string | null;
  fine_amount: number | null;
  photo_ids: string;
  document_id: string | null;
  event_id: string | null;
}

export interface EnforcementDocumentCounterTable {
  subdistrict_id: string;
  kind: EnforcementDocKind;
  year: number;
  last: number;
}

export interface EnforcementDocumentTable {
  id: string;
  subdistrict_id: string;
  enforcement_case_id: string;
  step_id: string;
  kind: EnforcementDocKind;
  year: number;
  seq: number;
  number: string;
  revision: number;
  supersedes_id: string | null;
  legal_basis_version_id: string;
  content: string;
  content_sha256: string;
  verify_code: string;
  pdf: Buffer;
  pdf_sha256: string;
  issued_by: string;
  issued_at: string;
}

export interface EnforcementTaskTable {
  id: string;
  enforcement_case_id: string;
  subdistrict_id: string;
  stage: string;
  deadline_at: string;
  due_at: string;
  assigned_unit_id: string | null;
  status: 'open' | 'done' | 'cancelled';
  dispatched_at: string;
  done_at: string | null;
  done_step_id: string | null;
}

/** Dashboard rollup counters (one column each; see src/domain/dashboard/counters.ts). */
export interface RollupCounterColumns {
  found: number; reported: number; self_resolved: number; filed: number; cancelled: number; dispatched: number;
  redispatched: number; handled: number; handled_on_time: number; rework: number; check_failed: number; closed: number;
  closed_on_time: number; enforcement_closed: number; reopened: number; merged: number; overdue: number; handle_overdue: number;
  holds: number; hold_released: number; extension_requests: number; extensions: number; close_minutes: number;
  h0: number; h1: number; h2: number; h3: number; h4: number; h5: number; h6: number; h7: number; h8: number; h9: number; h10: number; h11: number;
}
export interface CaseRollupDailyTable extends RollupCounterColumns {
  day: string; subdistrict_id: string; committee_id: string; grid_id: string; category_id: string; source: string; unit_id: string;
}
export interface CaseRollupCommitteeDailyTable extends RollupCounterColumns { day: string; subdistrict_id: string; committee_id: string }
export interface CaseRollupSubdistrictDailyTable extends RollupCounterColumns { day: string; subdistrict_id: string }
export interface CaseRollupUnitDailyTable extends RollupCounterColumns { day: string; subdistrict_id: string; unit_id: string }
export interface CaseRollupCategoryDailyTable extends RollupCounterColumns { day: string; subdistrict_id: string; category_code: string }
export interface CaseRollupPersonDailyTable extends RollupCounterColumns { day: string; subdistrict_id: string; committee_id: string; user_id: string }
export interface CaseRollupHourlyTable extends RollupCounterColumns { hour: string; subdistrict_id: string; committee_id: string }
export interface CaseRollupDistrictCategoryDailyTable extends RollupCounterColumns { day: string; district_id: string; category_code: string }
export interface CaseRollupUnitCumTable extends RollupCounterColumns { subdistrict_id: string; day: string; unit_id: string }
export interface CaseRollupDistrictSourceDailyTable extends RollupCounterColumns { district_id: string; day: string; source: string }
export interface CaseRollupDistrictHourlyTable extends RollupCounterColumns { district_id: string; hour: string }
export interface RollupCursorTable { subdistrict_id: string; seq: number; updated_at: string }
export interface CaseRollupStateTable {
  case_id: string; subdistrict_id: string; unit_id: string; handle_due_at: string | null; check_due_at: string | null;
  failed_unit_id: string | null; handled_on_time: number; overdue_ever: number;
}
export interface DashboardSettingsTable { subdistrict_id: string; weights: string; updated_at: string }

export interface Database {
  districts: DistrictTable;
  subdistricts: SubdistrictTable;
  committees: CommitteeTable;
  grids: GridTable;
  responsible_parties: ResponsiblePartyTable;
  sites: SiteTable;
  handling_units: HandlingUnitTable;
  users: UserTable;
  user_scopes: UserScopeTable;
  sessions: SessionTable;
  api_tokens: ApiTokenTable;
  sign_in_events: SignInEventTable;
  case_categories: CaseCategoryTable;
  cases: CaseTable;
  case_number_counters: CaseNumberCounterTable;
  case_events: CaseEventTable;
  chain_heads: ChainHeadTable;
  case_photos: CasePhotoTable;
  idempotency_keys: IdempotencyKeyTable;
  checklists: ChecklistTable;
  checklist_items: ChecklistItemTable;
  checkins: CheckinTable;
  checkin_misses: CheckinMissTable;
  patrol_job_cursors: PatrolJobCursorTable;
  campaigns: CampaignTable;
  inspections: InspectionTable;
  inspection_answers: InspectionAnswerTable;
  inspection_cases: InspectionCaseTable;
  inspection_intervals: InspectionIntervalTable;
  site_compliance: SiteComplianceTable;
  site_grade_changes: SiteGradeChangeTable;
  evidence_photo_uses: EvidencePhotoUseTable;
  calendar_overrides: CalendarOverrideTable;
  notifications: NotificationTable;
  inbox_items: InboxItemTable;
  notification_webhooks: NotificationWebhookTable;
  webhook_deliveries: WebhookDeliveryTable;
  photos: PhotoTable;
  enforcement_settings: EnforcementSettingsTable;
  legal_bases: LegalBasisTable;
  legal_basis_versions: LegalBasisVersionTable;
  enforcement_cases: EnforcementCaseTable;
  enforcement_steps: EnforcementStepTable;
  enforcement_document_counters: EnforcementDocumentCounterTable;
  enforcement_documents: EnforcementDocumentTable;
  enforcement_tasks: EnforcementTaskTable;
  case_rollups_daily: CaseRollupDailyTable;
  case_rollups_committee_daily: CaseRollupCommitteeDailyTable;
  case_rollups_subdistrict_daily: CaseRollupSubdistrictDailyTable;
  case_rollups_unit_daily: CaseRollupUnitDailyTable;
  case_rollups_category_daily: CaseRollupCategoryDailyTable;
  case_rollups_person_daily: CaseRollupPersonDailyTable;
  case_rollups_hourly: CaseRollupHourlyTable;
  case_rollups_district_category_daily: CaseRollupDistrictCategoryDailyTable;
  case_rollups_unit_cum: CaseRollupUnitCumTable;
  case_rollups_district_source_daily: CaseRollupDistrictSourceDailyTable;
  case_rollups_district_hourly: CaseRollupDistrictHourlyTable;
  rollup_cursors: RollupCursorTable;
  case_rollup_state: CaseRollupStateTable;
  dashboard_settings: DashboardSettingsTable;
}

