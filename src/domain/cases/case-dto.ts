import type { CaseTable } from '../../db/schema.js';
import { STATUS_LABELS } from './lifecycle.js';

const bool = (v: number | null) => (v === null ? null : v === 1);

/** The API shape of a case row. */
export function caseDto(r: CaseTable) {
  return {
    id: r.id,
    number: r.number,
    status: r.status,
    statusLabel: STATUS_LABELS[r.status],
    pendingRequest: r.pending_request,
    requestedDueAt: r.requested_due_at,
    source: r.source,
    subdistrictId: r.subdistrict_id,
    committeeId: r.committee_id,
    gridId: r.grid_id,
    siteId: r.site_id,
    categoryId: r.category_id,
    description: r.description,
    lng: Number(r.lng),
    lat: Number(r.lat),
    reporterId: r.reporter_id,
    reporterRole: r.reporter_role,
    assignedUnitId: r.assigned_unit_id,
    assignedUserId: r.assigned_user_id,
    mergedIntoId: r.merged_into_id,
    statusReason: r.status_reason,
    reworkCount: r.rework_count,
    redispatchCount: r.redispatch_count,
    reopenCount: r.reopen_count,
    extensionCount: r.extension_count,
    overdueCount: r.overdue_count,
    version: r.version,
    reportedAt: r.reported_at,
    filedAt: r.filed_at,
    dispatchedAt: r.dispatched_at,
    handledAt: r.handled_at,
    closedAt: r.closed_at,
    cancelledAt: r.cancelled_at,
    stageStartedAt: r.stage_started_at,
    stageDueAt: r.stage_due_at,
    overdueAt: r.overdue_at,
    handleDueAt: r.handle_due_at,
    handledOnTime: bool(r.handled_on_time),
    closedOnTime: bool(r.closed_on_time),
    checkerUserId: r.checker_user_id ?? null,
    spotCheck: r.spot_check ?? null,
    spotCheckedAt: r.spot_checked_at ?? null,
    updatedAt: r.updated_at,
  };
}
export type CaseDto = ReturnType<typeof caseDto>;
