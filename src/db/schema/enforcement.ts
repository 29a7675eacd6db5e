/** The enforcement ladder: settings, legal bases, enforcement cases, steps, documents, tasks. */

export const ENFORCEMENT_STAGES = ['opened', 'ordered', 'order_failed', 'noticed', 'notice_failed', 'prior_noticed', 'hearing_requested', 'heard', 'decided', 'closed'] as const;
export type EnforcementStage = (typeof ENFORCEMENT_STAGES)[number];
export const ENFORCEMENT_STEP_KINDS = ['order', 'reinspection', 'notice', 'prior_notice', 'statement', 'hearing_request', 'hearing', 'decision', 'payment', 'dispatch', 'overdue'] as const;
export type EnforcementStepKind = (typeof ENFORCEMENT_STEP_KINDS)[number];
export const ENFORCEMENT_DOC_KINDS = ['order', 'notice', 'prior_notice', 'decision'] as const;
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
  /** Days (working days, 行政处罚法 art. 85) the party has for its statement and defence. */
  statement_days: number;
  /** Days (working days) within which the party may request a hearing (art. 64: five). */
  hearing_request_days: number;
  /** JSON { default, byCategory: { code: n } }: suggested rectification period in working days. */
  rectify_working_days: string;
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
  /** JSON { unit, individual }: the fine from which the party may request a hearing (null = none). */
  hearing_thresholds: string | null;
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
  /** The fine proposed in the prior notice; the decision may not exceed it (行政处罚法 art. 45). */
  proposed_fine: number | null;
  hearing_eligible: number | null;
  /** End of the statement and defence period (the last day's 24:00, next working day if a holiday). */
  statement_ends_at: string | null;
  hearing_request_ends_at: string | null;
  /** The step whose document is the ladder's current one and is not yet served (the party was absent): its periods have not started. */
  unserved_step_id?: string | null;
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
  /** JSON: the step's structured record (findings, statement, hearing, defence adoption). */
  details: string;
  /** How the document was served (送达); null: no document, not yet served, or a row from before service was kept. */
  service_method?: ServiceMethod | null;
  /** When it counts as served: the party's periods run from this day. */
  served_at?: string | null;
  /** JSON ServiceRecord (service.ts): method, evidence, who recorded a later service and when. */
  service?: string | null;
}

export const SERVICE_METHODS = ['direct', 'left_on_refusal', 'electronic_with_consent', 'post', 'public_notice'] as const;
export type ServiceMethod = (typeof SERVICE_METHODS)[number];

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
  /** Only documents issued before the PDFs moved to the file store (key: originalKey(pdf_sha256)). */
  pdf: Buffer | null;
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
