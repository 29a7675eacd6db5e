import type { Db } from '../../db/index.js';
import type { EnforcementCaseTable, EnforcementStepTable } from '../../db/schema.js';
import { detailsOf } from './compose-facts.js';
import { STAGE_LABELS, rulesFrom, stepLabel } from './ladder.js';
import { serviceOf } from './service.js';

export function stepDto(s: EnforcementStepTable & { actor_name?: string | null; co_officer_name?: string | null }) {
  return {
    id: s.id, kind: s.kind, fromStage: s.from_stage, toStage: s.to_stage, result: s.result,
    actor: s.actor_user_id ? { userId: s.actor_user_id, name: s.actor_name ?? null } : null,
    coOfficer: s.co_officer_id ? { userId: s.co_officer_id, name: s.co_officer_name ?? null } : null,
    at: s.at, gps: s.lng === null || s.lat === null ? null : { lng: Number(s.lng), lat: Number(s.lat), accuracy: s.accuracy_m === null ? null : Number(s.accuracy_m) },
    place: s.place, note: s.note, educationGiven: s.education_given === null ? null : s.education_given === 1,
    acknowledgement: s.acknowledgement, deadlineAt: s.deadline_at, fineAmount: s.fine_amount === null ? null : Number(s.fine_amount),
    photoIds: JSON.parse(s.photo_ids) as string[], documentId: s.document_id, eventId: s.event_id,
    service: serviceOf(s),
    label: stepLabel(s.kind), details: detailsOf(s),
  };
}

export function enforcementCaseDto(e: EnforcementCaseTable, repeatShortcut: boolean) {
  return {
    id: e.id, subdistrictId: e.subdistrict_id, committeeId: e.committee_id, siteId: e.site_id, partyId: e.party_id, caseId: e.case_id,
    origin: e.origin, inspectionId: e.inspection_id, legalBasisId: e.legal_basis_id, facts: e.facts, stage: e.stage,
    stageLabel: STAGE_LABELS[e.stage], outcome: e.outcome, priorViolations: Number(e.prior_violations), deadlineAt: e.deadline_at,
    reinspectAt: e.reinspect_at, fineAmount: e.fine_amount === null ? null : Number(e.fine_amount), paymentDueAt: e.payment_due_at,
    overdueAt: e.overdue_at, paidAt: e.paid_at, openedBy: e.opened_by, openedAt: e.opened_at, closedAt: e.closed_at,
    updatedAt: e.updated_at, version: Number(e.version),
    proposedFine: e.proposed_fine === null ? null : Number(e.proposed_fine), hearingEligible: e.hearing_eligible === null ? null : e.hearing_eligible === 1,
    statementEndsAt: e.statement_ends_at, hearingRequestEndsAt: e.hearing_request_ends_at,
    unservedStepId: e.unserved_step_id ?? null,
    nextSteps: e.stage === 'closed' ? [] : rulesFrom(e.stage, repeatShortcut, e.hearing_eligible === 1).map((r) => ({ kind: r.kind, zh: r.zh, en: r.en, document: r.document, twoOfficers: r.twoOfficers, requires: r.requires })),
  };
}

/** Steps with the officers' names, oldest first. */
export async function loadSteps(db: Db, enforcementCaseId: string) {
  const rows = await db
    .selectFrom('enforcement_steps as s')
    .leftJoin('users as a', 'a.id', 's.actor_user_id')
    .leftJoin('users as b', 'b.id', 's.co_officer_id')
    .selectAll('s')
    .select(['a.display_name as actor_name', 'b.display_name as co_officer_name'])
    .where('s.enforcement_case_id', '=', enforcementCaseId)
    .orderBy('s.at')
    .orderBy('s.id')
    .execute();
  return rows.map(stepDto);
}
