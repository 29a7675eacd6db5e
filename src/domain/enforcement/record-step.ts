import type { FileStore } from '../storage/file-store.js';
import type { Db } from '../../db/index.js';
import type { EnforcementCaseTable, EnforcementStepTable } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { scopeCondition } from '../auth/scope.js';
import { parseInput } from '../cases/case-input.js';
import { linkPhotos } from '../cases/case-photos.js';
import { appendCaseEvent, eventActor } from '../cases/events.js';
import { CONFLICT_WHY, belongsToUnit, checkConflict } from '../cases/independent-check.js';
import { OPEN_STATUSES } from '../cases/lifecycle.js';
import { transitionCase } from '../cases/transition-case.js';
import { assertPhotosUsable } from '../photos/usable.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, invalidField, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { inTransaction } from '../shared/in-transaction.js';
import { closeLinkedCase } from './close-loop-case.js';
import { composeFacts, type StepDetails } from './compose-facts.js';
import type { DocumentContent } from './document-content.js';
import { documentDto, issueDocument } from './documents.js';
import { assertFreshEvidence } from './fresh-evidence.js';
import { enforcementCaseDto, stepDto } from './enforcement-dto.js';
import { priorViolations, proposeFine, subjectClassOf } from './history.js';
import { rulesFrom, targetStage, type LadderRule } from './ladder.js';
import { citation, currentVersion } from './legal-basis.js';
import { checkDeadlineChoice, checkDeadlineDay, checkDecision, checkFine, checkHearing, checkHearingRequest, checkStatement, decisionProcedure, hearingEligible, shownSuggestion, suggestedDeadline } from './procedure.js';
import { loadSettings } from './settings.js';
import { notServed, onSiteService, startPeriods } from './service.js';
import { StepInput } from './step-input.js';

export interface StepEnv {
  /** Where the cited photos' thumbnails are read from. */
  files: FileStore;
}

type Parsed = ReturnType<typeof StepInput.parse>;

export async function loadScopedCase(db: Db, actor: Actor, id: string) {
  const ec = await db
    .selectFrom('enforcement_cases')
    .selectAll()
    .where('id', '=', id)
    .where(scopeCondition(actor, 'subdistrict_id', 'committee_id'))
    .executeTakeFirst();
  if (!ec) throw notFound('Enforcement case', id);
  return ec;
}

interface Signer { id: string; display_name: string; cert_number: string | null }

async function checkCoOfficer(db: Db, actor: Actor, ec: EnforcementCaseTable, coOfficerId: string | undefined): Promise<Signer> {
  if (!coOfficerId) throw invalidField('coOfficerId', 'documents are issued by two enforcement officers; name the second');
  if (coOfficerId === actor.userId) throw invalidField('coOfficerId', 'the second officer must be someone else');
  const u = await db
    .selectFrom('users as u')
    .innerJoin('user_scopes as s', 's.user_id', 'u.id')
    .select(['u.id', 'u.display_name', 'u.cert_number'])
    .where('u.id', '=', coOfficerId)
    .where('u.role', '=', 'enforcement')
    .where('u.status', '=', 'active')
    .where('s.subdistrict_id', '=', ec.subdistrict_id)
    .executeTakeFirst();
  if (!u) throw invalidField('coOfficerId', 'not an active enforcement officer of this subdistrict');
  return u;
}

/** Officers sign documents with their name and 执法证号; one without a certificate on file cannot sign. */
function assertCertified(signers: Signer[], actorId: string) {
  for (const s of signers) {
    if (!s.cert_number) {
      throw new DomainError('officer_without_certificate', `${s.display_name} has no law-enforcement certificate number (执法证号) on file`, {
        fields: [{ field: s.id === actorId ? 'actor' : 'coOfficerId', reason: 'no 执法证号 on file' }],
      });
    }
  }
}

/** Structured fields and the steps that record them. */
const FIELD_STEPS: Partial<Record<keyof Parsed, readonly string[]>> = {
  findings: ['order', 'reinspection', 'notice'],
  statement: ['statement'],
  hearing: ['hearing'],
  defence: ['decision'],
  defenceReason: ['decision'],
  deadlineReason: ['order', 'notice'],
  suggestedDeadlineAt: ['order', 'notice'],
  suggestedDeadlineFrom: ['order', 'notice'],
  refusal: ['order', 'notice', 'prior_notice', 'decision'],
};

/** Checks the step's own inputs against its rung of the ladder; throws before anything is written. */
function checkFields(rule: LadderRule, i: Parsed, ec: EnforcementCaseTable, now: Date) {
  const needs = (f: (typeof rule.requires)[number]) => rule.requires.includes(f);
  if (!needs('deadlineAt') && i.deadlineAt) throw invalidField('deadlineAt', `a ${rule.kind} sets no deadline`);
  if (!needs('fineAmount') && (i.fineAmount !== undefined || i.fineReason)) throw invalidField('fineAmount', `a ${rule.kind} sets no fine`);
  if (!needs('fineAmount') && i.wasteType) throw invalidField('wasteType', `a ${rule.kind} sets no fine`);
  if (!needs('result') && i.result) throw invalidField('result', `only a re-inspection has a result`);
  for (const [field, kinds] of Object.entries(FIELD_STEPS)) {
    if (i[field as keyof Parsed] !== undefined && !kinds!.includes(rule.kind)) throw invalidField(field, `a ${rule.kind} does not record ${field}`);
  }
  if (needs('deadlineAt')) {
    if (!i.deadlineAt) throw invalidField('deadlineAt', 'required: the rectification deadline');
    if (new Date(i.deadlineAt).getTime() <= now.getTime()) throw invalidField('deadlineAt', 'must be after the issue time');
  }
  if (needs('gps') && !i.gps) throw invalidField('gps', 'required: where the step took place');
  if (needs('note') && !i.note) throw invalidField('note', 'required (e.g. the payment receipt number)');
  if (needs('photoIds') && !i.photoIds.length) throw invalidField('photoIds', 'at least one photo of the situation found');
  if (needs('statement')) {
    if (!i.statement) throw invalidField('statement', 'required: the statement and defence, or the waiver');
    if (i.statement.kind === 'statement' && !i.statement.text) throw invalidField('statement.text', 'the content of the statement and defence');
  }
  if (needs('result')) {
    if (!i.result) throw invalidField('result', 'rectified or not_rectified');
    // The rectification is shown, not asserted: it closes the ladder (and hands the case to its 核查).
    if (i.result === 'rectified' && !i.photoIds.length) throw invalidField('photoIds', 'a photo showing the rectification');
    if (i.result === 'not_rectified') {
      // The order or notice was never served: its rectification period has not started.
      if (ec.unserved_step_id) throw notServed(ec.unserved_step_id, 'result', 'the order or notice is not served; its rectification period has not started');
      if (!i.photoIds.length) throw invalidField('photoIds', 'a photo showing the problem persists');
      if (ec.deadline_at && now.toISOString() < ec.deadline_at) {
        throw invalidField('result', `the deadline (${ec.deadline_at}) has not passed; not rectified can be found only after it`);
      }
      if (!i.findings?.length) throw invalidField('findings', 'what is still not rectified (the facts found)');
    }
  }
}

/**
 * Records one officer step: checks it against the ladder table (out of order → 409
 * step_out_of_order), its inputs, the penalty procedure's periods, the officers and photos,
 * then in ONE transaction writes the step, issues its document (number, frozen content, PDF),
 * moves the ladder and its clock, appends the event to the linked case's hash chain, and
 * closes the linked case at the end.
 */
export async function recordStep(db: Db, clock: Clock, env: StepEnv, actor: Actor, enforcementCaseId: string, raw: StepInput) {
  assertCan(actor, 'enforcement.act');
  const i = parseInput(StepInput, raw);
  const ec = await loadScopedCase(db, actor, enforcementCaseId);
  const { settings, signingKey } = await loadSettings(db, ec.subdistrict_id);
  const now = clock.now();
  const shortcut = settings.repeatStartsAtNotice && Number(ec.prior_violations) > 0;
  const allowed = ec.stage === 'closed' ? [] : rulesFrom(ec.stage, shortcut, ec.hearing_eligible === 1);
  const rule = allowed.find((r) => r.kind === i.kind);
  if (!rule) {
    if (i.kind === 'hearing_request' && ec.stage === 'prior_noticed') checkHearingRequest(ec, now);
    throw new DomainError('step_out_of_order', `A ${i.kind} cannot follow stage ${ec.stage}; next: ${allowed.map((r) => r.kind).join(', ') || 'nothing (closed)'}`, {
      fields: [{ field: 'kind', reason: 'this step cannot follow the current stage' }], stage: ec.stage, allowed: allowed.map((r) => r.kind),
    });
  }
  if (Number(ec.version) !== i.version) throw new DomainError('stale_version', 'The enforcement case changed; reload it', { current: Number(ec.version) });
  checkFields(rule, i, ec, now);
  if (rule.clock === 'deadline') await checkDeadlineDay(db, ec.subdistrict_id, i.deadlineAt);
  const priorSteps = await db.selectFrom('enforcement_steps').selectAll().where('enforcement_case_id', '=', ec.id).orderBy('at').orderBy('id').execute();
  const category = await db.selectFrom('cases as c').innerJoin('case_categories as k', 'k.id', 'c.category_id').select('k.code').where('c.id', '=', ec.case_id).executeTakeFirst();
  // The suggestion the form showed (honoured for a day), else the one as of now.
  const shown = rule.clock === 'deadline' ? await shownSuggestion(db, settings, category?.code ?? null, i, now) : null;
  const suggestion = rule.clock === 'deadline' ? (shown ? { at: shown } : await suggestedDeadline(db, settings, category?.code ?? null, now)) : null;
  if (suggestion) checkDeadlineChoice(i, suggestion.at);
  if (rule.kind === 'hearing_request') checkHearingRequest(ec, now);
  if (rule.kind === 'statement') checkStatement(ec, now);
  const host = rule.kind === 'hearing' ? await checkHearing(db, i, ec, priorSteps, now) : null;
  const co = rule.twoOfficers ? await checkCoOfficer(db, actor, ec, i.coOfficerId) : null;
  if (!rule.twoOfficers && i.coOfficerId) await checkCoOfficer(db, actor, ec, i.coOfficerId);
  const me = await db.selectFrom('users').select(['id', 'display_name', 'cert_number']).where('id', '=', actor.userId).executeTakeFirstOrThrow();
  if (rule.document) assertCertified([me, ...(co ? [co] : [])], actor.userId);
  await assertPhotosUsable(db, actor, i.photoIds, 'photoIds');
  if (i.refusal?.photoIds.length) await assertPhotosUsable(db, actor, i.refusal.photoIds, 'refusal.photoIds');
  // The document's service on site: none when the party was absent (its periods wait for service).
  const service = rule.document ? onSiteService(i.acknowledgement, i.refusal, now.toISOString()) : null;
  if (rule.kind === 'reinspection') await assertFreshEvidence(db, ec, priorSteps, i.photoIds, i.result);
  const basis = await currentVersion(db, ec.subdistrict_id, ec.legal_basis_id, 'legalBasisId');
  const party = await db.selectFrom('responsible_parties').selectAll().where('id', '=', ec.party_id).executeTakeFirstOrThrow();
  const subjectClass = subjectClassOf(party.kind);
  // Repeat offence is established when the penalty is proposed, and frozen with the proposal. The
  // window runs from an earlier decision to this breach, found when the ladder was opened — not to
  // the day the fine is proposed, which the rungs between put weeks later (a repeat offender's
  // notice and its prior notice would otherwise disagree).
  const prior = rule.kind === 'prior_notice' ? await priorViolations(db, ec.party_id, ec.legal_basis_id, new Date(ec.opened_at), settings.repeatWindowDays, ec.id) : Number(ec.prior_violations);
  const proposal = proposeFine(basis, subjectClass, prior, i.wasteType ?? null);
  if (rule.kind === 'prior_notice') checkFine(i, proposal);
  if (rule.kind === 'decision') {
    checkDecision(i, ec, priorSteps, now);
    checkFine(i, proposal);
  }
  const to = targetStage(rule, i.result ?? null, ec.stage);
  const at = now.toISOString();
  const details: StepDetails = {
    ...(i.findings && { findings: i.findings }),
    ...(suggestion && { deadlineSuggestedAt: suggestion.at }),
    ...(i.deadlineReason && { deadlineReason: i.deadlineReason }),
    ...(i.statement && { statement: i.statement }),
    ...(i.hearing && host && { hearing: { hostId: host.id, hostName: host.display_name, heldAt: new Date(i.hearing.heldAt).toISOString(), summary: i.hearing.summary } }),
    ...(i.defence && { defence: i.defence }),
    ...(i.defenceReason && { defenceReason: i.defenceReason }),
  };

  return inTransaction(db, async (trx) => {
    const guard = await trx
      .updateTable('enforcement_cases')
      .set({ version: Number(ec.version) + 1, updated_at: at })
      .where('id', '=', ec.id)
      .where('version', '=', Number(ec.version))
      .executeTakeFirst();
    if (Number(guard.numUpdatedRows) !== 1) throw new DomainError('stale_version', 'The enforcement case changed meanwhile; reload it');
    const linked = await trx.selectFrom('cases').selectAll().where('id', '=', ec.case_id).executeTakeFirstOrThrow();
    // A re-inspection that finds it rectified ends the ladder. What it is for the linked case
    // depends on who holds that case (DOMAIN.md §4: 核查 is never made by the handler nor by a
    // member of the unit the case was dispatched to):
    // - dispatched to the officer's own unit (the enforcement team a ladder opened at a site files
    //   it to), or to the officer by name: the re-inspection is that handling; the case goes to
    //   核查 (handled), and an independent checker — never the team — closes it;
    // - otherwise the finding closes it, and is its check: an officer who handled the case, is
    //   named on it or belongs to its unit may not make it (e.g. handled and waiting for its 核查);
    //   officers independent of its handling (e.g. a committee escalated it) close it.
    const rectified = to === 'closed' && rule.kind === 'reinspection';
    const handsToCheck = rectified && linked.status === 'dispatched'
      && (linked.assigned_user_id === actor.userId || (await belongsToUnit(trx, actor, linked.assigned_unit_id, linked.subdistrict_id)));
    if (rectified && !handsToCheck && OPEN_STATUSES.includes(linked.status)) {
      const conflict = await checkConflict(trx, actor, linked);
      if (conflict) throw new DomainError('transition_not_allowed', `${CONFLICT_WHY[conflict]}; another officer re-inspects`);
    }
    const step: EnforcementStepTable = {
      id: newId(), enforcement_case_id: ec.id, subdistrict_id: ec.subdistrict_id, kind: rule.kind, from_stage: ec.stage, to_stage: to,
      result: i.result ?? null, actor_user_id: actor.userId, co_officer_id: i.coOfficerId ?? null, at,
      lng: i.gps?.lng ?? null, lat: i.gps?.lat ?? null, accuracy_m: i.gps?.accuracy ?? null, place: i.place ?? null, note: i.note ?? null,
      education_given: i.educationGiven === undefined ? null : i.educationGiven ? 1 : 0, acknowledgement: i.acknowledgement ?? null,
      deadline_at: i.deadlineAt ? new Date(i.deadlineAt).toISOString() : null, fine_amount: i.fineAmount ?? null,
      photo_ids: JSON.stringify(i.photoIds), document_id: null, event_id: null, details: JSON.stringify(details),
      service_method: service?.method ?? null, served_at: service?.servedAt ?? null, service: service ? JSON.stringify(service) : null,
    };
    await trx.insertInto('enforcement_steps').values(step).execute();

    const next: Partial<EnforcementCaseTable> = { stage: to };
    // A document not served starts none of the party's periods (行政处罚法 arts. 44–45, 64, 67:
    // counted from receipt): the step waiting on them is refused until it is served.
    if (rule.document) next.unserved_step_id = service ? null : step.id;
    const days = { statement: settings.statementDays, hearingRequest: settings.hearingRequestDays, payment: settings.paymentDays };
    const eligible = rule.clock === 'statement' ? hearingEligible(basis, subjectClass, i.fineAmount!) : false;
    const started = service ? await startPeriods(trx, { subdistrict_id: ec.subdistrict_id, hearing_eligible: eligible ? 1 : 0 }, step, service.servedAt, days) : {};
    if (rule.clock === 'deadline') Object.assign(next, { deadline_at: started.deadlineAt ?? null, reinspect_at: started.deadlineAt ?? null });
    else if (rule.kind === 'reinspection') Object.assign(next, { reinspect_at: null });
    let rights: DocumentContent['rights'] = null;
    if (rule.clock === 'statement') {
      const statementEnds = started.statementEndsAt ?? null;
      const hearingEnds = started.hearingRequestEndsAt ?? null;
      Object.assign(next, {
        prior_violations: prior, proposed_fine: i.fineAmount, hearing_eligible: eligible ? 1 : 0, deadline_at: null, reinspect_at: null,
        statement_ends_at: statementEnds, hearing_request_ends_at: hearingEnds,
      });
      rights = {
        proposedFine: i.fineAmount!, statementEndsAt: statementEnds, hearingRight: eligible, hearingRequestEndsAt: hearingEnds,
        statementDays: settings.statementDays, ...(eligible && { hearingRequestDays: settings.hearingRequestDays }),
      };
    }
    if (rule.clock === 'payment') {
      // Fifteen days to pay from receipt (行政处罚法 art. 67); a last day on a holiday moves to the next working day.
      Object.assign(next, { fine_amount: i.fineAmount, payment_due_at: started.paymentDueAt ?? null, deadline_at: null, reinspect_at: null });
    }
    if (rule.kind === 'payment') Object.assign(next, { paid_at: at, outcome: 'paid' });
    if (to === 'closed') Object.assign(next, { closed_at: at, outcome: rule.kind === 'payment' ? 'paid' : 'rectified', reinspect_at: null });

    let document = null;
    if (rule.document) {
      const site = ec.site_id ? await trx.selectFrom('sites').select(['name', 'address']).where('id', '=', ec.site_id).executeTakeFirst() : undefined;
      const procedure = rule.kind === 'decision' ? await decisionProcedure(trx, ec.id, priorSteps, details) : null;
      document = await issueDocument(trx, { settings, signingKey, files: env.files }, {
        subdistrictId: ec.subdistrict_id, enforcementCaseId: ec.id, stepId: step.id, kind: rule.document, issuedBy: actor.userId, photoIds: i.photoIds, deviceAt: i.deviceAt ?? null,
        content: {
          kind: rule.document, agency: basis.agencyZh, issuedAt: at, place: i.place ?? site?.address ?? null, gps: i.gps ? { lng: i.gps.lng, lat: i.gps.lat } : null,
          caseNumber: linked.number, enforcementCaseId: ec.id,
          subject: { partyId: party.id, name: party.name, kind: party.kind, contactName: party.contact_name, contactPhone: party.contact_phone, siteName: site?.name ?? null, address: site?.address ?? null },
          facts: composeFacts(ec.opened_at, ec.facts, [...priorSteps, step]),
          legalBasis: { versionId: basis.versionId, code: basis.code, version: basis.version, citation: citation(basis), dutyZh: basis.dutyZh, penaltyZh: basis.penaltyZh },
          education: rule.kind === 'order' ? (i.educationGiven ?? false) : null,
          deadlineAt: step.deadline_at,
          fine: rule.kind === 'decision' || rule.kind === 'prior_notice'
            ? { amount: i.fineAmount!, proposed: proposal.proposed, offence: proposal.offence, priorViolations: proposal.priorViolations, legalMin: proposal.legalMin, legalMax: proposal.legalMax, reason: i.fineReason ?? null, repeatWindowDays: settings.repeatWindowDays }
            : null,
          paymentDueAt: (next.payment_due_at as string | undefined) ?? null,
          ...(rule.kind === 'decision' && { paymentDays: settings.paymentDays }),
          officers: [me, ...(co ? [co] : [])].map((o) => ({ userId: o.id, name: o.display_name, certNumber: o.cert_number })),
          acknowledgement: i.acknowledgement ?? null,
          service,
          rights,
          procedure,
        },
      });
    }
    await trx.updateTable('enforcement_cases').set(next).where('id', '=', ec.id).execute();
    if (rule.kind === 'reinspection') {
      await trx.updateTable('enforcement_tasks').set({ status: 'done', done_at: at, done_step_id: step.id })
        .where('enforcement_case_id', '=', ec.id).where('status', '=', 'open').execute();
    }
    const event = await appendCaseEvent(trx, clock, {
      subdistrictId: ec.subdistrict_id, caseId: linked.id, action: `enforcement_${rule.kind}`, fromStatus: linked.status, toStatus: linked.status,
      actor: eventActor(actor), deviceAt: i.deviceAt ?? null, gps: i.gps ?? null, note: i.note ?? null, photoIds: i.photoIds,
      changes: {
        step: [null, { kind: rule.kind, zh: rule.zh, en: rule.en }],
        enforcementStage: [ec.stage, to],
        ...(i.result && { result: [null, i.result] }),
        ...(document && { document: [null, { number: document.number, contentSha256: document.content_sha256, pdfSha256: document.pdf_sha256 }] }),
        ...(step.deadline_at && { deadlineAt: [ec.deadline_at, step.deadline_at] }),
        ...(i.fineAmount !== undefined && { fineAmount: [null, i.fineAmount] }),
        ...(rights && { statementEndsAt: [null, rights.statementEndsAt], hearingRequestEndsAt: [null, rights.hearingRequestEndsAt] }),
        ...(details.statement && { statement: [null, details.statement.kind] }),
        ...(details.defence && { defence: [null, details.defence] }),
        officers: [null, [actor.userId, ...(co ? [co.id] : [])]],
        ...(rule.document && { service: [null, service ? { method: service.method, servedAt: service.servedAt } : 'not_served'] }),
      },
    });
    await linkPhotos(trx, linked, event.id, [...new Set([...i.photoIds, ...(i.refusal?.photoIds ?? [])])], 'evidence');
    await trx.updateTable('enforcement_steps').set({ document_id: document?.id ?? null, event_id: event.id }).where('id', '=', step.id).execute();
    if (handsToCheck) {
      const current = await trx.selectFrom('cases').select('version').where('id', '=', linked.id).executeTakeFirstOrThrow();
      await transitionCase(trx, clock, actor, linked.id, {
        action: 'handle', version: current.version, note: i.note ?? '执法复查已整改，待核查', photoIds: i.photoIds,
        ...(i.gps && { gps: i.gps }), ...(i.deviceAt && { deviceAt: i.deviceAt }),
      });
    } else if (to === 'closed') {
      await closeLinkedCase(trx, clock, linked.id, { userId: actor.userId, role: actor.role }, next.outcome as 'rectified' | 'paid');
    }
    const after = await trx.selectFrom('enforcement_cases').selectAll().where('id', '=', ec.id).executeTakeFirstOrThrow();
    return {
      case: enforcementCaseDto(after, shortcut),
      step: stepDto({ ...step, document_id: document?.id ?? null, event_id: event.id }),
      document: document ? documentDto(document, null, actor) : null,
    };
  });
}
