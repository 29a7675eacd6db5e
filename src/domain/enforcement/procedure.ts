import type { Db } from '../../db/index.js';
import type { EnforcementCaseTable } from '../../db/schema.js';
import { computeDueAt } from '../calendar/deadlines.js';
import { addDays, shanghaiDate, shanghaiMidnight, WORKING_HOURS_PER_DAY } from '../calendar/office-hours.js';
import { isWorkingDay, loadOverrides } from '../calendar/working-days.js';
import { DomainError, invalidField } from '../shared/errors.js';
import { detailsOf } from './compose-facts.js';
import { zhDateTime } from './document-content.js';
import type { FineProposal } from './history.js';
import type { LegalBasisVersionDto, SubjectClass } from './legal-basis.js';
import { nextWorkingDay, periodEnd } from './periods.js';
import { notServed } from './service.js';
import type { EnforcementSettings } from './settings.js';
import type { StepInput } from './step-input.js';

type Parsed = ReturnType<typeof StepInput.parse>;

/** Whether a fine reaches the hearing threshold the legal basis sets for the subject class (行政处罚法 art. 63). */
export function hearingEligible(basis: Pick<LegalBasisVersionDto, 'hearingThresholds'>, subjectClass: SubjectClass, fine: number): boolean {
  const t = basis.hearingThresholds?.[subjectClass];
  return t !== undefined && t !== null && fine >= t;
}

/** A fine against the legal range (refused) and the band (leaving it needs a reason). */
export function checkFine(i: Parsed, proposal: FineProposal) {
  if (i.fineAmount === undefined) throw invalidField('fineAmount', `required; proposed ${proposal.proposed} RMB`);
  if (i.fineAmount < proposal.legalMin || i.fineAmount > proposal.legalMax) {
    throw new DomainError('fine_out_of_range', `fineAmount: ${i.fineAmount} RMB is outside the legal range ${proposal.legalMin}–${proposal.legalMax} RMB`, {
      fields: [{ field: 'fineAmount', reason: `outside ${proposal.legalMin}–${proposal.legalMax}` }], proposal,
    });
  }
  const band = proposal.band;
  if (band && (i.fineAmount < band.min || i.fineAmount > band.max) && !i.fineReason) {
    throw invalidField('fineReason', `the amount leaves the ${proposal.offence}-offence band ${band.min}–${band.max} RMB; give the reason`);
  }
}

/** The rectification deadline suggested for the linked case's category, in working days from now. */
export async function suggestedDeadline(db: Db, settings: EnforcementSettings, categoryCode: string | null, now: Date) {
  const days = (categoryCode && settings.rectifyWorkingDays.byCategory[categoryCode]) || settings.rectifyWorkingDays.default;
  const at = await computeDueAt(db, now, days * WORKING_HOURS_PER_DAY, 'working', { subdistrictId: settings.subdistrictId });
  return { days, at: at.toISOString() };
}

/** How long a suggestion shown on the form is honoured: a form left open, a step waiting in the outbox. */
export const SUGGESTION_HONOURED_MS = 24 * 3600_000;

/**
 * The suggestion the officer was shown, when the step says which one it was: honoured only if it
 * is what the rule gave at the time it says it was computed, within the last 24 hours (a client
 * cannot make up a "suggestion" to skip the reason). null = none shown, or not one the rule gave;
 * the deadline is then measured against the suggestion as of now.
 */
export async function shownSuggestion(db: Db, settings: EnforcementSettings, categoryCode: string | null, i: Parsed, now: Date): Promise<string | null> {
  if (!i.suggestedDeadlineAt && !i.suggestedDeadlineFrom) return null;
  if (!i.suggestedDeadlineAt) throw invalidField('suggestedDeadlineAt', 'give the suggested deadline shown together with suggestedDeadlineFrom');
  if (!i.suggestedDeadlineFrom) throw invalidField('suggestedDeadlineFrom', 'give when the suggested deadline shown was computed');
  const from = Date.parse(i.suggestedDeadlineFrom);
  if (from > now.getTime() || now.getTime() - from > SUGGESTION_HONOURED_MS) return null;
  const expected = await suggestedDeadline(db, settings, categoryCode, new Date(from));
  return sameMinute(expected.at, i.suggestedDeadlineAt) ? expected.at : null;
}

const sameMinute = (a: string, b: string) => Math.abs(Date.parse(a) - Date.parse(b)) < 60_000;

/**
 * A rectification deadline is a period: it cannot end on a rest day (DOMAIN.md §4 Periods). The
 * officer's choice is refused when its date in Shanghai is a weekend day or holiday of the
 * subdistrict's calendar, naming the next working day. (A deadline that a later calendar change
 * puts on a holiday is re-timed by retime-periods.ts.)
 */
export async function checkDeadlineDay(db: Db, subdistrictId: string, deadlineAt: string | undefined) {
  if (!deadlineAt) return;
  const day = shanghaiDate(Date.parse(deadlineAt));
  const overrides = await loadOverrides(db, day, addDays(day, 61), subdistrictId);
  const isWorking = (d: string) => isWorkingDay(d, overrides);
  if (isWorking(day)) return;
  throw invalidField('deadlineAt', `falls on a rest day (${day}); a period cannot end on a rest day: choose ${nextWorkingDay(day, isWorking)} or a later working day`);
}

/** A deadline other than the suggested one (to the minute) is accepted with a reason. */
export function checkDeadlineChoice(i: Parsed, suggestedAt: string) {
  if (!i.deadlineAt) return;
  if (!sameMinute(i.deadlineAt, suggestedAt) && !i.deadlineReason) {
    throw invalidField('deadlineReason', `the deadline differs from the one suggested for the category (${zhDateTime(suggestedAt)}); give the reason`);
  }
}

interface StepRow { kind: string; at: string; details: string; actor_user_id: string | null; co_officer_id: string | null }

/**
 * The decision's preconditions (行政处罚法 arts. 44–45, 62–65): the statement period has run; if
 * the party may ask for a hearing, the request period has run too (or the hearing was held);
 * the fine is not heavier than the one the prior notice announced; and where the party stated a
 * defence or was heard, the decision says whether the defence was adopted and why.
 */
export function checkDecision(i: Parsed, ec: EnforcementCaseTable, steps: StepRow[], now: Date) {
  if (ec.unserved_step_id) throw notServed(ec.unserved_step_id, 'kind', 'no decision before the prior notice is served and its statement period has run');
  if (!ec.statement_ends_at || now.toISOString() <= ec.statement_ends_at) {
    throw new DomainError('procedure_period_open', `The party's statement and defence period runs until ${ec.statement_ends_at ? zhDateTime(ec.statement_ends_at) : '—'}; no decision before it closes`, {
      fields: [{ field: 'kind', reason: 'no decision before the statement and defence period closes' }], period: 'statement', endsAt: ec.statement_ends_at,
    });
  }
  if (ec.stage === 'prior_noticed' && ec.hearing_eligible === 1 && ec.hearing_request_ends_at && now.toISOString() <= ec.hearing_request_ends_at) {
    throw new DomainError('procedure_period_open', `The party may request a hearing until ${zhDateTime(ec.hearing_request_ends_at)}; no decision before it closes`, {
      fields: [{ field: 'kind', reason: 'no decision before the hearing request period closes' }], period: 'hearing_request', endsAt: ec.hearing_request_ends_at,
    });
  }
  if (i.fineAmount !== undefined && ec.proposed_fine !== null && i.fineAmount > Number(ec.proposed_fine)) {
    throw new DomainError('fine_exceeds_prior_notice', `fineAmount: ${i.fineAmount} RMB exceeds the ${ec.proposed_fine} RMB announced in the prior notice; serve a new prior notice first`, {
      fields: [{ field: 'fineAmount', reason: `more than the ${ec.proposed_fine} RMB of the prior notice` }],
    });
  }
  const defended = steps.some((s) => s.kind === 'hearing' || (s.kind === 'statement' && detailsOf(s).statement?.kind === 'statement'));
  if (defended && !i.defence) throw invalidField('defence', 'the party stated a defence: say whether it is adopted');
  if (defended && !i.defenceReason) throw invalidField('defenceReason', 'give the reasons for adopting or not adopting the defence');
  if (!defended && i.defence) throw invalidField('defence', 'the party made no statement or defence');
}

/**
 * A statement and defence (陈述申辩) is recorded within its period; after it the party is taken to
 * have waived it (the decision says the statement was made "在规定期限内"). Where a hearing was
 * requested the hearing's own procedure governs, and statements follow it.
 */
export function checkStatement(ec: EnforcementCaseTable, now: Date) {
  if (ec.stage === 'prior_noticed' && ec.statement_ends_at && now.toISOString() > ec.statement_ends_at) {
    throw new DomainError('transition_not_allowed', `The statement period ended ${zhDateTime(ec.statement_ends_at)}; a later statement is not recorded as one`, {
      fields: [{ field: 'kind', reason: 'the statement period has ended; the party is taken to have waived it' }],
    });
  }
}

/** A hearing request is possible only where the fine reaches the threshold, within its period. */
export function checkHearingRequest(ec: EnforcementCaseTable, now: Date) {
  if (ec.hearing_eligible !== 1) {
    throw new DomainError('hearing_not_available', 'The proposed fine does not reach the hearing threshold of this legal basis', {
      fields: [{ field: 'kind', reason: 'the proposed fine does not reach the hearing threshold' }],
    });
  }
  if (ec.unserved_step_id) throw notServed(ec.unserved_step_id, 'kind', 'the prior notice is not served; the hearing request period has not started');
  if (!ec.hearing_request_ends_at || now.toISOString() > ec.hearing_request_ends_at) {
    throw new DomainError('hearing_not_available', `The hearing request period ended ${ec.hearing_request_ends_at ? zhDateTime(ec.hearing_request_ends_at) : ''}`, {
      fields: [{ field: 'kind', reason: 'the hearing request period has ended' }],
    });
  }
}

/** Working days between the notice of a hearing and the hearing (行政处罚法 arts. 64(2), 85). */
export const HEARING_NOTICE_WORKING_DAYS = 7;

/** The hearing is presided over by an officer who did not investigate the case (行政处罚法 art. 64(4)). */
export async function checkHearing(db: Db, i: Parsed, ec: EnforcementCaseTable, steps: StepRow[], now: Date) {
  const h = i.hearing;
  if (!h) throw invalidField('hearing', 'required: the host, time and record of the hearing');
  if (new Date(h.heldAt).getTime() > now.getTime()) throw invalidField('hearing.heldAt', 'the hearing record is entered after the hearing');
  // Held after it was requested: the decision prints the hearing's date as a fact of the procedure.
  const requested = steps.filter((s) => s.kind === 'hearing_request').at(-1);
  if (requested && new Date(h.heldAt).getTime() < Date.parse(requested.at)) throw invalidField('hearing.heldAt', 'the hearing is held after it was requested');
  // The party is told the hearing's time and place seven days before it (行政处罚法 art. 64(2);
  // working days, art. 85). The notice goes out when the hearing is requested at the earliest: a
  // hearing before the seventh working day after the request was held without that notice.
  if (requested) {
    const lastDay = shanghaiDate(await periodEnd(db, ec.subdistrict_id, new Date(requested.at), HEARING_NOTICE_WORKING_DAYS, 'working'));
    if (new Date(h.heldAt).getTime() < shanghaiMidnight(lastDay)) {
      throw invalidField('hearing.heldAt', `the party is told of the hearing seven working days before it: not before ${lastDay}`);
    }
  }
  const investigators = new Set(steps.flatMap((s) => [s.actor_user_id, s.co_officer_id]).filter(Boolean));
  investigators.add(ec.opened_by);
  if (investigators.has(h.hostId)) throw invalidField('hearing.hostId', 'the hearing is presided over by someone who did not investigate the case');
  const host = await db
    .selectFrom('users as u')
    .innerJoin('user_scopes as s', 's.user_id', 'u.id')
    .select(['u.id', 'u.display_name'])
    .where('u.id', '=', h.hostId)
    .where('u.role', 'in', ['enforcement', 'leader', 'admin'])
    .where('u.status', '=', 'active')
    .where('s.subdistrict_id', '=', ec.subdistrict_id)
    .executeTakeFirst();
  if (!host) throw invalidField('hearing.hostId', 'not an active officer of this subdistrict');
  return host;
}

/** How the party was heard, for the decision document: the prior notice, the statement or waiver, the hearing, the defence's fate. */
export async function decisionProcedure(db: Db, enforcementCaseId: string, steps: (StepRow & { at: string })[], decision: { defence?: 'adopted' | 'partly_adopted' | 'not_adopted'; defenceReason?: string }) {
  const notice = await db
    .selectFrom('enforcement_documents')
    .select(['number', 'issued_at', 'content'])
    .where('enforcement_case_id', '=', enforcementCaseId)
    .where('kind', '=', 'prior_notice')
    .orderBy('revision', 'desc')
    .executeTakeFirstOrThrow();
  const statements = steps.filter((s) => s.kind === 'statement').map((s) => detailsOf(s).statement!);
  const said = statements.filter((s) => s.kind === 'statement');
  const heard = steps.filter((s) => s.kind === 'hearing').map((s) => detailsOf(s).hearing!).at(-1) ?? null;
  return {
    priorNotice: { number: notice.number, issuedAt: notice.issued_at, proposedFine: (JSON.parse(notice.content) as { rights: { proposedFine: number } }).rights.proposedFine },
    statement: said.length ? ('statement' as const) : statements.length ? ('waiver' as const) : ('none' as const),
    statementSummary: said.length ? said.map((s) => s.text).join('；') : null,
    hearing: heard ? { heldAt: heard.heldAt, host: heard.hostName, summary: heard.summary } : null,
    defence: decision.defence ?? null,
    defenceReason: decision.defenceReason ?? null,
  };
}
