import { z } from 'zod';
import { type Db, isUniqueViolation } from '../../db/index.js';
import type { EnforcementCaseTable, EnforcementStage } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { parseInput } from '../cases/case-input.js';
import { appendCaseEvent, eventActor } from '../cases/events.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, notFound } from '../shared/errors.js';
import type { DocumentContent } from './document-content.js';
import { documentDto, issueDocument } from './documents.js';
import { loadScopedCase, type StepEnv } from './record-step.js';
import { periodEnd } from './periods.js';
import { type EnforcementSettings, loadSettings } from './settings.js';

export const CorrectionInput = z.strictObject({
  reason: z.string().trim().min(1).max(500),
  facts: z.string().trim().min(1).max(2000).optional(),
});
export type CorrectionInput = z.input<typeof CorrectionInput>;

/** Stages in which the party is still heard on the prior notice: its periods govern the decision. */
const HEARD_STAGES: readonly EnforcementStage[] = ['prior_noticed', 'hearing_requested', 'heard'];

/**
 * A prior notice corrected before the decision is served again (行政处罚法 arts. 44–45: the party is
 * heard on what the notice states, and the decision names the notice served): the statement
 * period — and, while a hearing may still be requested, the hearing-request period — runs again
 * from the correction, never ending before it did. The ladder's new version refuses a decision
 * checked against the old period (stale_version). Once decided, the decision rests on the notice
 * the party had: it is not corrected after it.
 */
async function serveAgain(trx: Db, ec: EnforcementCaseTable, settings: EnforcementSettings, now: Date) {
  const current = await trx.selectFrom('enforcement_cases').selectAll().where('id', '=', ec.id).executeTakeFirstOrThrow();
  if (!HEARD_STAGES.includes(current.stage)) {
    throw new DomainError('transition_not_allowed', 'The penalty decision was made on the prior notice as served; it is not corrected after the decision', { stage: current.stage });
  }
  const notBefore = async (days: number, was: string | null) => {
    const end = (await periodEnd(trx, ec.subdistrict_id, now, days, 'working')).getTime();
    return new Date(Math.max(end, was ? Date.parse(was) : 0)).toISOString();
  };
  const statementEndsAt = await notBefore(settings.statementDays, current.statement_ends_at);
  const hearingRequestEndsAt = current.stage === 'prior_noticed' && current.hearing_eligible === 1
    ? await notBefore(settings.hearingRequestDays, current.hearing_request_ends_at)
    : current.hearing_request_ends_at;
  const moved = await trx
    .updateTable('enforcement_cases')
    .set({ statement_ends_at: statementEndsAt, hearing_request_ends_at: hearingRequestEndsAt, version: Number(current.version) + 1, updated_at: now.toISOString() })
    .where('id', '=', ec.id)
    .where('version', '=', Number(current.version))
    .executeTakeFirst();
  if (Number(moved.numUpdatedRows) !== 1) throw new DomainError('stale_version', 'The enforcement case changed meanwhile; reload it');
  return {
    statementEndsAt, hearingRequestEndsAt,
    changes: {
      statementEndsAt: [current.statement_ends_at, statementEndsAt] as [unknown, unknown],
      hearingRequestEndsAt: [current.hearing_request_ends_at, hearingRequestEndsAt] as [unknown, unknown],
    },
  };
}

/**
 * Issued documents are never changed. A correction issues revision n+1 under the same number,
 * referring to the one it replaces, with a new PDF and verification code; the old one stays
 * verifiable and is reported as superseded.
 */
export async function correctDocument(db: Db, clock: Clock, env: StepEnv, actor: Actor, documentId: string, raw: CorrectionInput) {
  assertCan(actor, 'enforcement.act');
  const i = parseInput(CorrectionInput, raw);
  const old = await db.selectFrom('enforcement_documents').selectAll().where('id', '=', documentId).executeTakeFirst();
  if (!old) throw notFound('Document', documentId);
  const ec = await loadScopedCase(db, actor, old.enforcement_case_id).catch(() => {
    throw notFound('Document', documentId);
  });
  const { settings, signingKey } = await loadSettings(db, ec.subdistrict_id);
  // The officer correcting signs the correction: name and 执法证号 are printed with its date.
  const me = await db.selectFrom('users').select(['id', 'display_name', 'cert_number']).where('id', '=', actor.userId).executeTakeFirstOrThrow();
  if (!me.cert_number) {
    throw new DomainError('officer_without_certificate', `${me.display_name} has no law-enforcement certificate number (执法证号) on file`, {
      fields: [{ field: 'actor', reason: 'no 执法证号 on file' }],
    });
  }
  // Documents issued before the 检查时间 was kept: the step's own time, from the phone when believable.
  const step = await db
    .selectFrom('enforcement_steps as s')
    .leftJoin('case_events as e', 'e.id', 's.event_id')
    .select('e.device_at')
    .where('s.id', '=', old.step_id)
    .executeTakeFirst();
  const corrected = (latestId: string | null) => new DomainError('conflict', 'This document was already corrected; correct the latest revision', { latestId });
  return db.transaction().execute(async (trx) => {
    const later = await trx.selectFrom('enforcement_documents').select('id').where('supersedes_id', '=', old.id).executeTakeFirst();
    if (later) throw corrected(later.id);
    const was = JSON.parse(old.content) as DocumentContent;
    const { number: _n, title: _t, photos, revision: _r, supersedesNumber: _s, correctionReason: _c, office: _o, course: _k, correctedBy: _b, ...rest } = was;
    // A notice not yet served starts its periods when it is (record-service.ts), not at the correction.
    const served = old.kind === 'prior_notice' && !ec.unserved_step_id ? await serveAgain(trx, ec, settings, clock.now()) : null;
    const rights = served && was.rights
      ? { ...was.rights, statementEndsAt: served.statementEndsAt, hearingRequestEndsAt: was.rights.hearingRight ? served.hearingRequestEndsAt : null }
      : was.rights;
    const doc = await issueDocument(trx, { settings, signingKey, files: env.files }, {
      subdistrictId: old.subdistrict_id, enforcementCaseId: old.enforcement_case_id, stepId: old.step_id, kind: old.kind, issuedBy: actor.userId,
      photoIds: photos.map((p) => p.id), supersedes: old, correctionReason: i.reason, deviceAt: step?.device_at ?? null,
      correctedBy: { userId: me.id, name: me.display_name, certNumber: me.cert_number },
      // The revision is issued now; what happened on site (检查时间, officers) stays as it was.
      // A corrected prior notice states the periods it runs again (serveAgain).
      content: { ...rest, facts: i.facts ?? was.facts, rights, issuedAt: clock.now().toISOString() },
    }).catch((err: unknown) => {
      // Two corrections at once both pass the check above (PostgreSQL); the unique revision of the
      // number lets one in, and the other is told it came second.
      throw isUniqueViolation(err) ? corrected(null) : err;
    });
    const linked = await trx.selectFrom('cases').select(['id', 'status']).where('id', '=', ec.case_id).executeTakeFirstOrThrow();
    await appendCaseEvent(trx, clock, {
      subdistrictId: ec.subdistrict_id, caseId: linked.id, action: 'enforcement_correction', fromStatus: linked.status, toStatus: linked.status,
      actor: eventActor(actor), note: i.reason,
      changes: {
        document: [{ id: old.id, revision: Number(old.revision), contentSha256: old.content_sha256 }, { id: doc.id, revision: doc.revision, contentSha256: doc.content_sha256 }],
        ...served?.changes,
      },
    });
    return documentDto(doc, null, actor);
  });
}
