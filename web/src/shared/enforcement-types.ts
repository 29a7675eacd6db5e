/** API shapes of the enforcement ladder, as the web apps use them. */
export type Stage = 'opened' | 'ordered' | 'order_failed' | 'noticed' | 'notice_failed' | 'prior_noticed' | 'hearing_requested' | 'heard' | 'decided' | 'closed';
export type StepKind = 'order' | 'reinspection' | 'notice' | 'prior_notice' | 'statement' | 'hearing_request' | 'hearing' | 'decision' | 'payment';

export interface LadderSummary {
  id: string;
  stage: Stage;
  outcome: 'rectified' | 'paid' | null;
  partyId: string;
  partyName: string;
  siteName: string | null;
  siteAddress: string | null;
  caseNumber: string;
  deadlineAt: string | null;
  fineAmount: number | null;
  paymentDueAt: string | null;
  overdueAt: string | null;
  openedAt: string;
  version: number;
  priorViolations: number;
  /** The step whose document the party was absent for and has not been served yet. Absent from an older server. */
  unservedStepId?: string | null;
  /** A penalty decision not served on the spot: the end of its seven days to serve it (行政处罚法 art. 61), and whether that is past. */
  serviceDueAt?: string | null;
  serviceOverdue?: boolean;
}

/** GET /api/enforcement/counts, the figures the desk shows (counts.ts). */
export interface EnforcementCounts {
  /** Decided ladders past their payment date now (the overdue_fines list). */
  overdueFines: number;
  /** Penalty decisions overdue for service now (the overdue_service list). */
  overdueService: number;
}

export interface DueTask {
  id: string;
  enforcementCaseId: string;
  stage: Stage;
  deadlineAt: string;
  dueAt: string;
  partyName: string;
  siteName: string | null;
  siteAddress: string | null;
  caseNumber: string;
  overdue: boolean;
}

export interface StepView {
  id: string;
  kind: StepKind | 'dispatch' | 'overdue';
  result: 'rectified' | 'not_rectified' | null;
  actor: { userId: string; name: string | null } | null;
  coOfficer: { userId: string; name: string | null } | null;
  at: string;
  gps: { lng: number; lat: number } | null;
  place: string | null;
  note: string | null;
  acknowledgement: 'signed' | 'refused' | 'absent' | null;
  /** How and when the step's document was served (送达); null: no document, or not served yet. Absent from an older server. */
  service?: { method: 'direct' | 'left_on_refusal' | 'electronic_with_consent' | 'post' | 'public_notice'; servedAt: string } | null;
  deadlineAt: string | null;
  fineAmount: number | null;
  photoIds: string[];
  documentId: string | null;
  /** The step's structured record (the statement's kind: a statement or a waiver). */
  details?: { statement?: { kind: 'statement' | 'waiver' } };
}

export interface DocumentView {
  id: string;
  kind: 'order' | 'notice' | 'prior_notice' | 'decision';
  /** The ladder step that issued it (its service is recorded on that step). */
  stepId: string;
  number: string;
  revision: number;
  supersededById: string | null;
  issuedAt: string;
  verifyCode: string;
  pdfUrl: string;
}

export interface LadderDetail extends Omit<LadderSummary, 'partyName' | 'siteName' | 'siteAddress' | 'caseNumber'> {
  facts: string;
  priorViolations: number;
  nextSteps: { kind: StepKind; zh: string; en: string; twoOfficers: boolean; requires: string[] }[];
  party: { id: string; name: string; kind: string; contactName: string | null; contactPhone: string | null };
  site: { id: string; name: string; address: string } | null;
  linkedCase: { id: string; number: string; status: string };
  legalBasis: { citation?: string; regulationZh: string; article: string; clause: string | null; dutyZh: string; dutyEn: string; penaltyZh: string; penaltyEn: string; version: number } | null;
  fineProposal: { offence: 'first' | 'repeat'; proposed: number; legalMin: number; legalMax: number; priorViolations: number; band: { min: number; max: number } | null } | null;
  /** The rectification deadline suggested for the category, when the next step sets one. */
  suggestedDeadlineAt: string | null;
  suggestedDeadlineFrom?: string | null;
  proposedFine: number | null;
  hearingEligible: boolean | null;
  statementEndsAt: string | null;
  hearingRequestEndsAt: string | null;
  steps: StepView[];
  documents: DocumentView[];
}
