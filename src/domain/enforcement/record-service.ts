import type { Db } from '../../db/index.js';
import type { EnforcementCaseTable } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { parseInput } from '../cases/case-input.js';
import { appendCaseEvent, eventActor } from '../cases/events.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, notFound } from '../shared/errors.js';
import { inTransaction } from '../shared/in-transaction.js';
import { type DocumentContent, zhDate } from './document-content.js';
import { documentDto, issueDocument } from './documents.js';
import { enforcementCaseDto } from './enforcement-dto.js';
import { loadScopedCase, type StepEnv } from './record-step.js';
import { isServed, laterService, methodZh, ServiceInput, startPeriods } from './service.js';
import { loadSettings } from './settings.js';

/** The stages in which a step's document is the one whose periods govern the next step. */
const GOVERNS: Record<string, readonly string[]> = {
  order: ['ordered'],
  notice: ['noticed'],
  prior_notice: ['prior_noticed', 'hearing_requested', 'heard'],
  decision: ['decided'],
};

/**
 * Records the later service (送达) of a document the party was absent for: by post (the receipt's
 * date), electronically with the party's consent, or by public notice (served thirty days after
 * publication). In ONE transaction: the step keeps its service; where the document is still the
 * ladder's current one, the party's periods start from the day of service (statement and
 * defence, hearing request, payment, rectification) on the subdistrict's calendar; a new revision
 * of the document states the service and the periods; the linked case's chain gets the event.
 */
export async function recordService(db: Db, clock: Clock, env: StepEnv, actor: Actor, documentId: string, raw: ServiceInput) {
  assertCan(actor, 'enforcement.serve');
  const i = parseInput(ServiceInput, raw);
  const doc = await db.selectFrom('enforcement_documents').select(['id', 'step_id', 'enforcement_case_id']).where('id', '=', documentId).executeTakeFirst();
  if (!doc) throw notFound('Document', documentId);
  const ec = await loadScopedCase(db, actor, doc.enforcement_case_id).catch(() => {
    throw notFound('Document', documentId);
  });
  if (Number(ec.version) !== i.version) throw new DomainError('stale_version', 'The enforcement case changed; reload it', { current: Number(ec.version) });
  const step = await db.selectFrom('enforcement_steps').selectAll().where('id', '=', doc.step_id).executeTakeFirstOrThrow();
  if (isServed(step)) {
    throw new DomainError('document_already_served', 'This document is already served; its service is recorded once', {
      fields: [{ field: 'method', reason: 'the document is already served' }],
    });
  }
  const me = await db.selectFrom('users').select(['id', 'display_name']).where('id', '=', actor.userId).executeTakeFirstOrThrow();
  const now = clock.now();
  const record = laterService(i, step.at, now, { id: me.id, name: me.display_name });
  const { settings, signingKey } = await loadSettings(db, ec.subdistrict_id);

  return inTransaction(db, async (trx) => {
    const guard = await trx
      .updateTable('enforcement_cases')
      .set({ version: Number(ec.version) + 1, updated_at: now.toISOString() })
      .where('id', '=', ec.id)
      .where('version', '=', Number(ec.version))
      .executeTakeFirst();
    if (Number(guard.numUpdatedRows) !== 1) throw new DomainError('stale_version', 'The enforcement case changed meanwhile; reload it');
    const latest = await trx.selectFrom('enforcement_documents').selectAll().where('step_id', '=', step.id).orderBy('revision', 'desc').executeTakeFirstOrThrow();
    const was = JSON.parse(latest.content) as DocumentContent;
    // Only the ladder's current document starts periods: one a later rung left behind (e.g. a
    // rectified re-inspection closed the ladder) just keeps its service.
    const current = ec.unserved_step_id === step.id && (GOVERNS[step.kind] ?? []).includes(ec.stage);
    const days = {
      statement: was.rights?.statementDays ?? settings.statementDays,
      hearingRequest: was.rights?.hearingRequestDays ?? settings.hearingRequestDays,
      payment: was.paymentDays ?? settings.paymentDays,
    };
    const started = current ? await startPeriods(trx, ec, step, record.servedAt, days) : {};
    const next: Partial<EnforcementCaseTable> = {};
    if (ec.unserved_step_id === step.id) next.unserved_step_id = null;
    if (started.statementEndsAt) Object.assign(next, { statement_ends_at: started.statementEndsAt, hearing_request_ends_at: started.hearingRequestEndsAt ?? null });
    if (started.paymentDueAt) next.payment_due_at = started.paymentDueAt;
    if (started.deadlineAt) Object.assign(next, { deadline_at: started.deadlineAt, reinspect_at: started.deadlineAt });
    if (Object.keys(next).length) await trx.updateTable('enforcement_cases').set(next).where('id', '=', ec.id).execute();
    await trx.updateTable('enforcement_steps').set({ service_method: record.method, served_at: record.servedAt, service: JSON.stringify(record) }).where('id', '=', step.id).execute();

    // The archive copy states the service and the periods counted from it; the text stays the one served.
    const { number: _n, title: _t, photos, revision: _r, supersedesNumber: _s, correctionReason: _c, office: _o, course: _k, correctedBy: _b, ...rest } = was;
    const rights = was.rights && started.statementEndsAt
      ? { ...was.rights, statementEndsAt: started.statementEndsAt, hearingRequestEndsAt: was.rights.hearingRight ? (started.hearingRequestEndsAt ?? null) : null }
      : was.rights;
    const document = await issueDocument(trx, { settings, signingKey, files: env.files }, {
      subdistrictId: ec.subdistrict_id, enforcementCaseId: ec.id, stepId: step.id, kind: latest.kind, issuedBy: actor.userId,
      photoIds: photos.map((p) => p.id), supersedes: latest,
      content: {
        ...rest, service: record, rights, issuedAt: now.toISOString(),
        paymentDueAt: started.paymentDueAt ?? was.paymentDueAt, deadlineAt: started.deadlineAt ?? was.deadlineAt,
      },
    });
    const linked = await trx.selectFrom('cases').select(['id', 'status']).where('id', '=', ec.case_id).executeTakeFirstOrThrow();
    await appendCaseEvent(trx, clock, {
      subdistrictId: ec.subdistrict_id, caseId: linked.id, action: 'enforcement_service', fromStatus: linked.status, toStatus: linked.status,
      actor: eventActor(actor), note: `${was.title}（${latest.number}）${methodZh(record.method)}，${zhDate(record.servedAt)}视为送达${i.note ? `。${i.note}` : ''}`,
      changes: {
        service: [null, { method: record.method, servedAt: record.servedAt }],
        document: [{ id: latest.id, revision: Number(latest.revision), contentSha256: latest.content_sha256 }, { id: document.id, revision: document.revision, contentSha256: document.content_sha256 }],
        ...(started.statementEndsAt && { statementEndsAt: [ec.statement_ends_at, started.statementEndsAt], hearingRequestEndsAt: [ec.hearing_request_ends_at, started.hearingRequestEndsAt ?? null] }),
        ...(started.paymentDueAt && { paymentDueAt: [ec.payment_due_at, started.paymentDueAt] }),
        ...(started.deadlineAt && { deadlineAt: [ec.deadline_at, started.deadlineAt] }),
      },
    });
    const after = await trx.selectFrom('enforcement_cases').selectAll().where('id', '=', ec.id).executeTakeFirstOrThrow();
    const shortcut = settings.repeatStartsAtNotice && Number(after.prior_violations) > 0;
    return { case: enforcementCaseDto(after, shortcut), service: record, document: documentDto(document, null, actor) };
  });
}
