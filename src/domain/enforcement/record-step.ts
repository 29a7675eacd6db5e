import type { FileStore } from '../storage/file-store.js';
import type { Db } from '../../db/index.js';
import type { EnforcementCaseTable, EnforcementStepTable } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { scopeCondition } from '../auth/scope.js';
import { computeDueAt } from '../calendar/deadlines.js';
import { parseInput } from '../cases/case-input.js';
import { linkPhotos } from '../cases/case-photos.js';
import { appendCaseEvent } from '../cases/events.js';
import { assertPhotosUsable } from '../photos/usable.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, invalidField, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { closeLinkedCase } from './close-loop-case.js';
import { documentDto, issueDocument } from './documents.js';
import { enforcementCaseDto, stepDto } from './enforcement-dto.js';
import { type FineProposal, proposeFine, subjectClassOf } from './history.js';
import { rulesFrom, targetStage, type LadderRule } from './ladder.js';
import { citation, currentVersion } from './legal-basis.js';
import { loadSettings } from './settings.js';
import { StepInput } from './step-input.js';
import { inTransaction } from '../shared/in-transaction.js';

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

async function checkCoOfficer(db: Db, actor: Actor, ec: EnforcementCaseTable, coOfficerId: string | undefined) {
  if (!coOfficerId) throw invalidField('coOfficerId', 'documents are issued by two enforcement officers; name the second');
  if (coOfficerId === actor.userId) throw invalidField('coOfficerId', 'the second officer must be someone else');
  const u = await db
    .selectFrom('users as u')
    .innerJoin('user_scopes as s', 's.user_id', 'u.id')
    .select(['u.id', 'u.display_name', 'u.username'])
    .where('u.id', '=', coOfficerId)
    .where('u.role', '=', 'enforcement')
    .where('u.status', '=', 'active')
    .where('s.subdistrict_id', '=', ec.subdistrict_id)
    .executeTakeFirst();
  if (!u) throw invalidField('coOfficerId', 'not an active enforcement officer of this subdistrict');
  return u;
}

/** Checks the step's own inputs against its rung of the ladder; throws before anything is written. */
function checkFields(rule: LadderRule, i: Parsed, ec: EnforcementCaseTable, now: Date) {
  const needs = (f: (typeof rule.requires)[number]) => rule.requires.includes(f);
  if (!needs('deadlineAt') && i.deadlineAt) throw invalidField('deadlineAt', `a ${rule.kind} sets no deadline`);
  if (!needs('fineAmount') && (i.fineAmount !== undefined || i.fineReason)) throw invalidField('fineAmount', `a ${rule.kind} sets no fine`);
  if (!needs('fineAmount') && i.wasteType) throw invalidField('wasteType', `a ${rule.kind} sets no fine`);
  if (!needs('result') && i.result) throw invalidField('result', `only a re-inspection has a result`);
  if (needs('deadlineAt')) {
    if (!i.deadlineAt) throw invalidField('deadlineAt', 'required: the rectification deadline');
    if (new Date(i.deadlineAt).getTime() <= now.getTime()) throw invalidField('deadlineAt', 'must be after the issue time');
  }
  if (needs('gps') && !i.gps) throw invalidField('gps', 'required: where the step took place');
  if (needs('note') && !i.note) throw invalidField('note', 'required (e.g. the payment receipt number)');
  if (needs('photoIds') && !i.photoIds.length) throw invalidField('photoIds', 'at least one photo of the situation found');
  if (needs('result')) {
    if (!i.result) throw invalidField('result', 'rectified or not_rectified');
    if (i.result === 'not_rectified') {
      if (!i.photoIds.length) throw invalidField('photoIds', 'a photo showing the problem persists');
      if (ec.deadline_at && now.toISOString() < ec.deadline_at) {
        throw invalidField('result', `the deadline (${ec.deadline_at}) has not passed; not rectified can be found only after it`);
      }
    }
  }
}

function checkFine(i: Parsed, proposal: FineProposal) {
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

/**
 * Records one officer step: checks it against the ladder table (out of order → 409
 * step_out_of_order), its inputs, the officers and photos, then in ONE transaction writes the
 * step, issues its document (number, frozen content, PDF), moves the ladder and its clock,
 * appends the event to the linked case's hash chain, and closes the linked case at the end.
 */
export async function recordStep(db: Db, clock: Clock, env: StepEnv, actor: Actor, enforcementCaseId: string, raw: StepInput) {
  assertCan(actor, 'enforcement.act');
  const i = parseInput(StepInput, raw);
  const ec = await loadScopedCase(db, actor, enforcementCaseId);
  const { settings, signingKey } = await loadSettings(db, ec.subdistrict_id);
  const shortcut = settings.repeatStartsAtNotice && Number(ec.prior_violations) > 0;
  const allowed = ec.stage === 'closed' ? [] : rulesFrom(ec.stage, shortcut);
  const rule = allowed.find((r) => r.kind === i.kind);
  if (!rule) {
    throw new DomainError('step_out_of_order', `A ${i.kind} cannot follow stage ${ec.stage}; next: ${allowed.map((r) => r.kind).join(', ') || 'nothing (closed)'}`, {
      field: 'kind', stage: ec.stage, allowed: allowed.map((r) => r.kind),
    });
  }
  if (Number(ec.version) !== i.version) throw new DomainError('stale_version', 'The enforcement case changed; reload it', { current: Number(ec.version) });
  const now = clock.now();
  checkFields(rule, i, ec, now);
  const co = rule.twoOfficers ? await checkCoOfficer(db, actor, ec, i.coOfficerId) : null;
  if (!rule.twoOfficers && i.coOfficerId) await checkCoOfficer(db, actor, ec, i.coOfficerId);
  await assertPhotosUsable(db, actor, i.photoIds, 'photoIds');
  const basis = await currentVersion(db, ec.subdistrict_id, ec.legal_basis_id, 'legalBasisId');
  const party = await db.selectFrom('responsible_parties').selectAll().where('id', '=', ec.party_id).executeTakeFirstOrThrow();
  const proposal = proposeFine(basis, subjectClassOf(party.kind), Number(ec.prior_violations), i.wasteType ?? null);
  if (rule.kind === 'decision') checkFine(i, proposal);
  const to = targetStage(rule, i.result ?? null);
  const at = now.toISOString();

  return inTransaction(db, async (trx) => {
    const guard = await trx
      .updateTable('enforcement_cases')
      .set({ version: Number(ec.version) + 1, updated_at: at })
      .where('id', '=', ec.id)
      .where('version', '=', Number(ec.version))
      .executeTakeFirst();
    if (Number(guard.numUpdatedRows) !== 1) throw new DomainError('stale_version', 'The enforcement case changed meanwhile; reload it');
    const linked = await trx.selectFrom('cases').selectAll().where('id', '=', ec.case_id).executeTakeFirstOrThrow();
    const step: EnforcementStepTable = {
      id: newId(), enforcement_case_id: ec.id, subdistrict_id: ec.subdistrict_id, kind: rule.kind, from_stage: ec.stage, to_stage: to,
      result: i.result ?? null, actor_user_id: actor.userId, co_officer_id: i.coOfficerId ?? null, at,
      lng: i.gps?.lng ?? null, lat: i.gps?.lat ?? null, accuracy_m: i.gps?.accuracy ?? null, place: i.place ?? null, note: i.note ?? null,
      education_given: i.educationGiven === undefined ? null : i.educationGiven ? 1 : 0, acknowledgement: i.acknowledgement ?? null,
      deadline_at: i.deadlineAt ? new Date(i.deadlineAt).toISOString() : null, fine_amount: i.fineAmount ?? null,
      photo_ids: JSON.stringify(i.photoIds), document_id: null, event_id: null,
    };
    await trx.insertInto('enforcement_steps').values(step).execute();

    const next: Partial<EnforcementCaseTable> = { stage: to };
    if (rule.clock === 'deadline') Object.assign(next, { deadline_at: step.deadline_at, reinspect_at: step.deadline_at });
    else if (rule.kind === 'reinspection') Object.assign(next, { reinspect_at: null });
    if (rule.clock === 'payment') {
      const due = await computeDueAt(trx, now, settings.paymentDays * 24, 'calendar', { subdistrictId: ec.subdistrict_id });
      Object.assign(next, { fine_amount: i.fineAmount, payment_due_at: due.toISOString(), deadline_at: null, reinspect_at: null });
    }
    if (rule.kind === 'payment') Object.assign(next, { paid_at: at, outcome: 'paid' });
    if (to === 'closed') Object.assign(next, { closed_at: at, outcome: rule.kind === 'payment' ? 'paid' : 'rectified', reinspect_at: null });

    let document = null;
    if (rule.document) {
      const site = ec.site_id ? await trx.selectFrom('sites').select(['name', 'address']).where('id', '=', ec.site_id).executeTakeFirst() : undefined;
      const actorUser = await trx.selectFrom('users').select(['display_name', 'username']).where('id', '=', actor.userId).executeTakeFirstOrThrow();
      document = await issueDocument(trx, { settings, signingKey, files: env.files }, {
        subdistrictId: ec.subdistrict_id, enforcementCaseId: ec.id, stepId: step.id, kind: rule.document, issuedBy: actor.userId, photoIds: i.photoIds,
        content: {
          kind: rule.document, agency: basis.agencyZh, issuedAt: at, place: i.place ?? site?.address ?? null, gps: i.gps ? { lng: i.gps.lng, lat: i.gps.lat } : null,
          caseNumber: linked.number, enforcementCaseId: ec.id,
          subject: { partyId: party.id, name: party.name, kind: party.kind, contactName: party.contact_name, contactPhone: party.contact_phone, siteName: site?.name ?? null, address: site?.address ?? null },
          facts: i.note ? `${ec.facts}${i.note.startsWith('。') ? '' : '。'}${i.note}` : ec.facts,
          legalBasis: { versionId: basis.versionId, code: basis.code, version: basis.version, citation: citation(basis), dutyZh: basis.dutyZh, penaltyZh: basis.penaltyZh },
          education: rule.kind === 'order' ? (i.educationGiven ?? false) : null,
          deadlineAt: step.deadline_at,
          fine: rule.kind === 'decision'
            ? { amount: i.fineAmount!, proposed: proposal.proposed, offence: proposal.offence, priorViolations: proposal.priorViolations, legalMin: proposal.legalMin, legalMax: proposal.legalMax, reason: i.fineReason ?? null }
            : null,
          paymentDueAt: (next.payment_due_at as string | undefined) ?? null,
          officers: [{ userId: actor.userId, name: actorUser.display_name, username: actorUser.username }, ...(co ? [{ userId: co.id, name: co.display_name, username: co.username }] : [])],
          acknowledgement: i.acknowledgement ?? null,
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
      actor: { userId: actor.userId, role: actor.role }, deviceAt: i.deviceAt ?? null, gps: i.gps ?? null, note: i.note ?? null, photoIds: i.photoIds,
      changes: {
        enforcementStage: [ec.stage, to],
        ...(i.result && { result: [null, i.result] }),
        ...(document && { document: [null, { number: document.number, contentSha256: document.content_sha256, pdfSha256: document.pdf_sha256 }] }),
        ...(step.deadline_at && { deadlineAt: [ec.deadline_at, step.deadline_at] }),
        ...(i.fineAmount !== undefined && { fineAmount: [null, i.fineAmount] }),
        officers: [null, [actor.userId, ...(co ? [co.id] : [])]],
      },
    });
    await linkPhotos(trx, linked, event.id, i.photoIds, 'evidence');
    await trx.updateTable('enforcement_steps').set({ document_id: document?.id ?? null, event_id: event.id }).where('id', '=', step.id).execute();
    if (to === 'closed') await closeLinkedCase(trx, clock, linked.id, { userId: actor.userId, role: actor.role }, next.outcome as 'rectified' | 'paid');
    const after = await trx.selectFrom('enforcement_cases').selectAll().where('id', '=', ec.id).executeTakeFirstOrThrow();
    return {
      case: enforcementCaseDto(after, shortcut),
      step: stepDto({ ...step, document_id: document?.id ?? null, event_id: event.id }),
      document: document ? documentDto(document) : null,
    };
  });
}
