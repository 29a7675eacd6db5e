/** 一网通办: item catalogue, service network, service records (办件) and 好差评 ratings. */

export const ITEM_MODES = ['direct', 'separated'] as const;
export type ItemMode = (typeof ITEM_MODES)[number];
export const ITEM_CHANNELS = ['counter', 'mobile_window', 'terminal', 'online'] as const;
export type ItemChannel = (typeof ITEM_CHANNELS)[number];
export const POINT_KINDS = ['centre', 'branch', 'committee_window', 'building_window', 'self_service_zone', 'terminal'] as const;
export type PointKind = (typeof POINT_KINDS)[number];
export const POINT_STATUSES = ['planned', 'built', 'closed'] as const;
export type PointStatus = (typeof POINT_STATUSES)[number];
export const RECORD_STATUSES = ['accepted', 'handed_off', 'returned', 'completed', 'not_accepted', 'sent_back'] as const;
export type RecordStatus = (typeof RECORD_STATUSES)[number];
export const ASSIST_ROLES = ['none', 'assist', 'proxy'] as const;
export type AssistRole = (typeof ASSIST_ROLES)[number];
export const DELIVERIES = ['on_site', 'post', 'electronic'] as const;
export type Delivery = (typeof DELIVERIES)[number];
export const RATING_CHANNELS = ['qr', 'terminal', 'link', 'sms', 'hotline'] as const;
export type RatingChannel = (typeof RATING_CHANNELS)[number];
export const RESOLUTIONS = ['rectify', 'explain'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];
/** How the rater of a 差评 was contacted (回访), and whether they were reached. */
export const CONTACT_CHANNELS = ['phone', 'sms', 'visit', 'wechat'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];
export const CONTACT_OUTCOMES = ['reached', 'unreachable', 'declined'] as const;
export type ContactOutcome = (typeof CONTACT_OUTCOMES)[number];
export const FEEDBACK_LEVELS = ['satisfied', 'basic', 'unsatisfied'] as const;
export type FeedbackLevel = (typeof FEEDBACK_LEVELS)[number];

export interface ServiceCategoryTable {
  id: string;
  code: string;
  name_zh: string;
  name_en: string;
  ticket_prefix: string;
  sort_order: number;
  created_at: string;
}

export interface ServiceItemTable {
  id: string;
  category_id: string;
  basic_code: string;
  impl_code: string;
  latest_version: number;
  active: number;
  sort_order: number;
  created_at: string;
  updated_at: string;
}

export interface ServiceItemVersionTable {
  id: string;
  item_id: string;
  version: number;
  /** 'YYYY-MM-DD' (Asia/Shanghai) from which this version applies. */
  effective_from: string;
  name_zh: string;
  name_en: string;
  item_type: string;
  department: string;
  legal_basis: string;
  conditions: string;
  /** JSON array of MaterialSpec */
  materials: string;
  /** JSON array of StepSpec */
  steps: string;
  legal_limit_days: number;
  promised_limit_days: number;
  fee: string;
  places_hours: string;
  visits: number;
  citywide: number;
  mode: ItemMode;
  /** JSON array of ItemChannel */
  channels: string;
  assist_allowed: number;
  proxy_allowed: number;
  consult_phone: string;
  complaint_phone: string;
  faq: string;
  created_by: string | null;
  created_at: string;
}

export interface ServiceGridTable {
  id: string;
  district_id: string;
  subdistrict_id: string;
  code: string;
  name: string;
  lng: number;
  lat: number;
  created_at: string;
}

export interface ServicePointTable {
  id: string;
  subdistrict_id: string;
  committee_id: string | null;
  grid_id: string | null;
  kind: PointKind;
  code: string;
  name: string;
  building: string | null;
  address: string;
  lng: number;
  lat: number;
  phone: string | null;
  staffed: number;
  status: PointStatus;
  planned_on: string | null;
  target_on: string | null;
  built_on: string | null;
  closed_on: string | null;
  terminal_token_hash: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ServicePointSessionTable {
  id: string;
  point_id: string;
  weekday: number;
  starts: string;
  ends: string;
  capacity: number;
}

export interface ServicePointItemTable {
  point_id: string;
  item_id: string;
}

export interface ServicePointStaffTable {
  point_id: string;
  user_id: string;
}

export interface ServiceSettingsTable {
  subdistrict_id: string;
  bad_rating_days: number;
  rating_window_days: number;
  no_show_grace_minutes: number;
  updated_at: string;
}

export interface ServiceRecordCounterTable {
  subdistrict_id: string;
  day: string;
  last: number;
}

export interface ServiceRecordTable {
  id: string;
  number: string;
  subdistrict_id: string;
  committee_id: string | null;
  point_id: string;
  item_id: string;
  item_version_id: string;
  staff_id: string;
  applicant_name: string;
  applicant_id_number: string;
  applicant_phone: string | null;
  agent_name: string | null;
  agent_id_number: string | null;
  authorization_ref: string | null;
  assist_role: AssistRole;
  /** JSON array of { index, received, deferred } against the version's materials */
  materials: string;
  deferred_count: number;
  mode: ItemMode;
  status: RecordStatus;
  result_reason: string | null;
  accepted_at: string;
  due_at: string;
  handed_off_at: string | null;
  returned_at: string | null;
  decided_at: string | null;
  decided_by: string | null;
  on_time: number | null;
  delivery: Delivery | null;
  delivered_at: string | null;
  appointment_id: string | null;
  ticket_id: string | null;
  rating_token_hash: string | null;
  version: number;
  updated_at: string;
}

export interface ServiceIdRevealTable {
  id: string;
  record_id: string;
  subdistrict_id: string;
  user_id: string;
  field: 'applicant' | 'agent';
  reason: string;
  at: string;
}

export interface ServiceRatingTable {
  id: string;
  record_id: string;
  subdistrict_id: string;
  committee_id: string | null;
  point_id: string;
  item_id: string;
  staff_id: string;
  level: number;
  /** JSON object of sub-score name → 1..5 */
  scores: string;
  comment: string | null;
  named: number;
  channel: RatingChannel;
  rated_at: string;
  voided_at: string | null;
  case_id: string | null;
}

export interface ServiceRatingFollowupTable {
  id: string;
  rating_id: string;
  case_id: string;
  subdistrict_id: string;
  named: number;
  due_at: string;
  /** The FIRST 回访 contact (the on-time KPI reads it); every contact is in service_rating_contacts. */
  callback_at: string | null;
  callback_by: string | null;
  callback_note: string | null;
  resolution: Resolution | null;
  resolved_at: string | null;
  on_time: number | null;
  appeal_reason: string | null;
  appeal_by: string | null;
  appeal_at: string | null;
  appeal_decided_by: string | null;
  appeal_decided_at: string | null;
  appeal_upheld: number | null;
  feedback_token_hash: string | null;
  feedback: FeedbackLevel | null;
  feedback_at: string | null;
  updated_at: string;
}

/** One 回访 contact with the rater of a 差评 (every one kept, in order). */
export interface ServiceRatingContactTable {
  id: string;
  followup_id: string;
  rating_id: string;
  subdistrict_id: string;
  contacted_at: string;
  contacted_by: string | null;
  channel: ContactChannel;
  outcome: ContactOutcome;
  note: string;
}

export const TERMINAL_STATES = ['up', 'down'] as const;
export type TerminalState = (typeof TERMINAL_STATES)[number];
export const OUTAGE_REASONS = ['silence', 'fault'] as const;
export type OutageReason = (typeof OUTAGE_REASONS)[number];

/** A monitored self-service terminal (or zone): its device credential's issue and its health. */
export interface ServiceTerminalTable {
  point_id: string;
  subdistrict_id: string;
  token_issued_at: string;
  token_issued_by: string | null;
  /** The last heartbeat or fault report (silence counts from it, or from the token's issue). */
  last_seen_at: string | null;
  last_heartbeat_at: string | null;
  last_fault_at: string | null;
  fault_code: string | null;
  fault_text: string | null;
  app_version: string | null;
  state: TerminalState;
  down_reason: OutageReason | null;
  down_since: string | null;
  updated_at: string;
}

/** One outage of a terminal and the maintenance case it opened; open while ended_at is null. */
export interface ServiceTerminalOutageTable {
  id: string;
  point_id: string;
  subdistrict_id: string;
  /** = point_id while open, null once ended; unique, so a terminal has at most one open outage. */
  open_point_id: string | null;
  reason: OutageReason;
  fault_code: string | null;
  fault_text: string | null;
  started_at: string;
  ended_at: string | null;
  case_id: string | null;
}

/** A session a resident ran on a self-service terminal, as the terminal reported it. */
export interface ServiceTerminalSessionTable {
  id: string;
  point_id: string;
  subdistrict_id: string;
  committee_id: string | null;
  /** The terminal's own id for the session: a report sent twice is stored once. */
  client_id: string;
  item_id: string;
  /** The Shanghai date the session began. */
  day: string;
  started_at: string;
  finished_at: string;
  outcome: 'done' | 'abandoned';
  received_at: string;
}
