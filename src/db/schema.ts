
/**
 * Row types, one interface per table. Times are ISO-8601 UTC strings on both engines
 * (SQLite stores text; PostgreSQL stores timestamptz and the pg parser returns ISO strings).
 * Ids are UUIDv7 strings. Booleans are stored as 0/1 integers on both engines.
 */
import type { CaseCategoryTable, CaseEventTable, CaseLoopSettingsTable, CaseNumberCounterTable, CasePhotoTable, CaseTable, ChainHeadTable, IdempotencyKeyTable } from './schema/cases.js';
import type { CaseRollupCategoryDailyTable, CaseRollupCommitteeDailyTable, CaseRollupDailyTable, CaseRollupDistrictCategoryDailyTable, CaseRollupDistrictHourlyTable, CaseRollupDistrictSourceDailyTable, CaseRollupHourlyTable, CaseRollupPersonDailyTable, CaseRollupStateTable, CaseRollupSubdistrictDailyTable, CaseRollupUnitCumTable, CaseRollupUnitDailyTable, DashboardSettingsTable, RollupCursorTable } from './schema/dashboard.js';
import type { EnforcementCaseTable, EnforcementDocumentCounterTable, EnforcementDocumentTable, EnforcementSettingsTable, EnforcementStepTable, EnforcementTaskTable, LegalBasisTable, LegalBasisVersionTable } from './schema/enforcement.js';
import type { CalendarOverrideTable, InboxItemTable, NotificationTable, NotificationWebhookTable, WebhookDeliveryTable } from './schema/notifications.js';
import type { CampaignTable, CheckinMissTable, CheckinTable, ChecklistItemTable, ChecklistTable, EvidencePhotoUseTable, InspectionAnswerTable, InspectionCaseTable, InspectionIntervalTable, InspectionTable, PatrolJobCursorTable, SiteComplianceTable, SiteGradeChangeTable } from './schema/patrols.js';
import type { PhotoTable } from './schema/photos.js';
import type { JobLeaseTable, RateBudgetTable } from './schema/jobs.js';
import type { ApiTokenTable, CommitteeTable, DistrictTable, GridTable, HandlingUnitTable, ResponsiblePartyTable, SessionTable, SignInEventTable, SignInThrottleTable, SiteTable, SubdistrictTable, UserScopeTable, UserTable } from './schema/registry.js';
import type { AuditChainHeadTable, AuditLogTable } from './schema/audit.js';
import type { ServiceCategoryTable, ServiceGridTable, ServiceIdRevealTable, ServiceItemTable, ServiceItemVersionTable, ServicePointItemTable, ServicePointSessionTable, ServicePointStaffTable, ServicePointTable, ServiceRatingFollowupTable, ServiceRatingTable, ServiceRecordCounterTable, ServiceRecordTable, ServiceSettingsTable } from './schema/services.js';
import type { Open311DeliveryTable, Open311IdempotencyTable, Open311KeyTable, Open311RequestTable, PublicPowSpentTable, PublicReportSecretTable } from './schema/open311.js';

export * from './schema/registry.js';
export * from './schema/notifications.js';
export * from './schema/photos.js';
export * from './schema/cases.js';
export * from './schema/patrols.js';
export * from './schema/enforcement.js';
export * from './schema/dashboard.js';
export * from './schema/jobs.js';
export * from './schema/audit.js';
export * from './schema/services.js';
export * from './schema/open311.js';

export interface Database {
  job_leases: JobLeaseTable;
  rate_budgets: RateBudgetTable;
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
  sign_in_throttle: SignInThrottleTable;
  case_categories: CaseCategoryTable;
  cases: CaseTable;
  case_number_counters: CaseNumberCounterTable;
  case_loop_settings: CaseLoopSettingsTable;
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
  audit_log: AuditLogTable;
  audit_chain_head: AuditChainHeadTable;
  service_categories: ServiceCategoryTable;
  service_items: ServiceItemTable;
  service_item_versions: ServiceItemVersionTable;
  service_grids: ServiceGridTable;
  service_points: ServicePointTable;
  service_point_sessions: ServicePointSessionTable;
  service_point_items: ServicePointItemTable;
  service_point_staff: ServicePointStaffTable;
  service_settings: ServiceSettingsTable;
  service_record_counters: ServiceRecordCounterTable;
  service_records: ServiceRecordTable;
  service_id_reveals: ServiceIdRevealTable;
  service_ratings: ServiceRatingTable;
  service_rating_followups: ServiceRatingFollowupTable;
  open311_keys: Open311KeyTable;
  open311_requests: Open311RequestTable;
  open311_idempotency: Open311IdempotencyTable;
  public_report_secrets: PublicReportSecretTable;
  public_pow_spent: PublicPowSpentTable;
  open311_deliveries: Open311DeliveryTable;
}

