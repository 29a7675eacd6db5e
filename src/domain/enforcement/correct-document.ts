import { z } from 'zod';
import { type Db, isUniqueViolation } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { parseInput } from '../cases/case-input.js';
import { appendCaseEvent, eventActor } from '../cases/events.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, notFound } from '../shared/errors.js';
import type { DocumentContent } from './document-content.js';
import { documentDto, issueDocument } from './documents.js';
import { loadScopedCase, type StepEnv } from './record-step.js';
import { loadSettings } from './settings.js';

export const CorrectionInput = z.strictObject({
  reason: z.string().trim().min(1).max(500),
  facts: z.string().trim().min(1).max(2000).optional(),
});
export type CorrectionInput = z.input<typeof CorrectionInput>;

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
    const doc = await issueDocument(trx, { settings, signingKey, files: env.files }, {
      subdistrictId: old.subdistrict_id, enforcementCaseId: old.enforcement_case_id, stepId: old.step_id, kind: old.kind, issuedBy: actor.userId,
      photoIds: photos.map((p) => p.id), supersedes: old, correctionReason: i.reason, deviceAt: step?.device_at ?? null,
      correctedBy: { userId: me.id, name: me.display_name, certNumber: me.cert_number },
      // The revision is issued now; what happened on site (检查时间, officers) stays as it was.
      content: { ...rest, facts: i.facts ?? was.facts, issuedAt: clock.now().toISOString() },
    }).catch((err: unknown) => {
      // Two corrections at once both pass the check above (PostgreSQL); the unique revision of the
      // number lets one in, and the other is told it came second.
      throw isUniqueViolation(err) ? corrected(null) : err;
    });
    const linked = await trx.selectFrom('cases').select(['id', 'status']).where('id', '=', ec.case_id).executeTakeFirstOrThrow();
    await appendCaseEvent(trx, clock, {
      subdistrictId: ec.subdistrict_id, caseId: linked.id, action: 'enforcement_correction', fromStatus: linked.status, toStatus: linked.status,
      actor: eventActor(actor), note: i.reason,
      changes: { document: [{ id: old.id, revision: Number(old.revision), contentSha256: old.content_sha256 }, { id: doc.id, revision: doc.revision, contentSha256: doc.content_sha256 }] },
    });
    return documentDto(doc, null, actor);
  });
}
