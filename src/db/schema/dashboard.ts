/** Dashboard rollups and their durable cursor. */

/** Dashboard rollup counters (one column each; see src/domain/dashboard/counters.ts). */
export interface RollupCounterColumns {
  found: number; reported: number; self_resolved: number; filed: number; cancelled: number; dispatched: number;
  redispatched: number; handled: number; handled_on_time: number; rework: number; check_failed: number; closed: number;
  closed_on_time: number; enforcement_closed: number; reopened: number; merged: number; overdue: number; handle_overdue: number;
  holds: number; hold_released: number; extension_requests: number; extensions: number; close_minutes: number;
  due_closed: number; due_closed_on_time: number;
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
  case_id: string; subdistrict_id: string; unit_id: string; stage_due_at: string | null; handle_due_at: string | null; check_due_at: string | null;
  failed_unit_id: string | null; handled_on_time: number; overdue_ever: number;
  handled_at: string | null; due_closed_at: string | null; due_closed_on_time: number;
  handled_unit_id: string | null; handled_counted_on_time: number;
  reworked: number; handled_counted_rework: number;
}
export interface DashboardSettingsTable { subdistrict_id: string; weights: string; updated_at: string }
