import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Db } from '../../db/index.js';
import type { EnforcementDocKind, EnforcementDocumentTable } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { seesPhone } from '../auth/personal-data.js';
import { scopeCondition } from '../auth/scope.js';
import { canonicalJson } from '../cases/hash-chain.js';
import { captureTime } from '../checkins/capture-time.js';
import { maskPhone } from '../service-records/masking.js';
import type { FileStore } from '../storage/file-store.js';
import { originalKey } from '../storage/keys.js';
import { invalidField, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { type DocumentContent, ON_SITE_KINDS } from './document-content.js';
import { DOC_TITLES } from './ladder.js';
import { formatNumber, takeNextSeq } from './numbering.js';
import { renderDocumentPdf } from './pdf/render.js';
import type { EnforcementSettings } from './settings.js';

export const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** XXXX-XXXX-XXXX-XXXX: the first 64 bits of HMAC-SHA256(subdistrict key, content hash). */
export function verifyCodeOf(signingKey: string, contentSha256: string): string {
  const h = createHmac('sha256', signingKey).update(contentSha256).digest('hex').slice(0, 16).toUpperCase();
  return h.match(/.{4}/g)!.join('-');
}

async function thumbnails(db: Db, files: FileStore, photoIds: string[]) {
  if (!photoIds.length) return { refs: [], thumbs: [] };
  const rows = await db.selectFrom('photos').select(['id', 'sha256', 'thumb_key', 'storage_key', 'mime']).where('id', 'in', photoIds).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const refs: { id: string; sha256: string }[] = [];
  const thumbs: Buffer[] = [];
  for (const id of photoIds) {
    const p = byId.get(id);
    if (!p) continue;
    refs.push({ id, sha256: p.sha256 });
    const key = p.thumb_key ?? (['image/jpeg', 'image/png'].includes(p.mime) ? p.storage_key : null);
    if (!key) continue;
    const bytes = await files.get(key);
    // A cited photo whose file is missing from the store cannot be shown in a legal document.
    if (!bytes) throw invalidField('photoIds', `the file of photo ${id} is missing from storage`);
    thumbs.push(bytes);
  }
  return { refs, thumbs };
}

export interface IssueParams {
  subdistrictId: string;
  enforcementCaseId: string;
  stepId: string;
  kind: EnforcementDocKind;
  issuedBy: string;
  /** `inspectedAt` and `course` are worked out from the step and the ladder when not given (a correction gives the original's inspectedAt). */
  content: Omit<DocumentContent, 'number' | 'title' | 'photos' | 'revision' | 'supersedesNumber' | 'correctionReason' | 'office' | 'course' | 'correctedBy'>;
  photoIds: string[];
  /** The phone's time of the step (StepInput.deviceAt, sent later from the outbox): the 检查时间 when believable. */
  deviceAt?: string | null;
  /** A correction reuses the number of the document it replaces, as the next revision. */
  supersedes?: EnforcementDocumentTable;
  correctionReason?: string;
  /** The officer issuing a correction, printed with its date. */
  correctedBy?: DocumentContent['correctedBy'];
}

/**
 * When the officers were at the site for this step: the phone's time when believable (not ahead
 * of the server, not older than a day: capture-time.ts), else when the server recorded the step.
 */
async function inspectionTime(trx: Db, stepId: string, deviceAt: string | null | undefined): Promise<string> {
  const step = await trx.selectFrom('enforcement_steps').select('at').where('id', '=', stepId).executeTakeFirstOrThrow();
  return captureTime(new Date(step.at), deviceAt ?? undefined).at.toISOString();
}

/** The rungs the ladder went through before a notice, prior notice or decision (document-content.ts `course`). */
async function courseOf(trx: Db, enforcementCaseId: string, settings: EnforcementSettings): Promise<NonNullable<DocumentContent['course']>> {
  const failed = await trx
    .selectFrom('enforcement_steps')
    .select('to_stage')
    .where('enforcement_case_id', '=', enforcementCaseId)
    .where('kind', '=', 'reinspection')
    .where('result', '=', 'not_rectified')
    .execute();
  const ec = await trx.selectFrom('enforcement_cases').select('prior_violations').where('id', '=', enforcementCaseId).executeTakeFirstOrThrow();
  return {
    orderFailed: failed.some((f) => f.to_stage === 'order_failed'),
    noticeFailed: failed.some((f) => f.to_stage === 'notice_failed'),
    priorViolations: Number(ec.prior_violations),
    repeatWindowDays: settings.repeatWindowDays,
  };
}

/**
 * Issues a numbered document inside the caller's transaction: takes the next number (or the
 * corrected document's number), freezes the content, renders the PDF and stores its bytes and
 * hash. Anything failing after the number was taken rolls the number back with the transaction.
 */
export async function issueDocument(trx: Db, env: { settings: EnforcementSettings; signingKey: string; files: FileStore }, p: IssueParams) {
  const issuedAt = new Date(p.content.issuedAt);
  const year = Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(issuedAt));
  let seq: number;
  let number: string;
  let revision = 1;
  if (p.supersedes) {
    seq = Number(p.supersedes.seq);
    number = p.supersedes.number;
    revision = Number(p.supersedes.revision) + 1;
  } else {
    seq = await takeNextSeq(trx, p.subdistrictId, p.kind, year);
    number = formatNumber(env.settings.patterns[p.kind], env.settings.officeName, year, seq);
  }
  const { refs, thumbs } = await thumbnails(trx, env.files, p.photoIds);
  const onSite = ON_SITE_KINDS.includes(p.kind);
  const content: DocumentContent = {
    ...p.content, kind: p.kind, title: DOC_TITLES[p.kind].zh, number, revision, office: env.settings.officeName,
    supersedesNumber: p.supersedes ? p.supersedes.number : null, correctionReason: p.correctionReason ?? null, photos: refs,
    inspectedAt: onSite ? (p.content.inspectedAt ?? (await inspectionTime(trx, p.stepId, p.deviceAt))) : null,
    course: p.kind === 'order' ? null : await courseOf(trx, p.enforcementCaseId, env.settings),
    ...(p.supersedes && { correctedBy: p.correctedBy ?? null }),
  };
  const contentJson = canonicalJson(content);
  const contentSha = sha256(contentJson);
  const code = verifyCodeOf(env.signingKey, contentSha);
  const pdf = await renderDocumentPdf(content, code, thumbs);
  const pdfSha = sha256(pdf);
  // The PDF goes to the shared file store (every instance serves it), named by its hash, before
  // the row: if the transaction then fails, an unreferenced object is left, never a row without
  // its file.
  await env.files.putOnce(originalKey(pdfSha), pdf);
  const row: EnforcementDocumentTable = {
    id: newId(), subdistrict_id: p.subdistrictId, enforcement_case_id: p.enforcementCaseId, step_id: p.stepId, kind: p.kind,
    year: p.supersedes ? Number(p.supersedes.year) : year, seq, number, revision, supersedes_id: p.supersedes?.id ?? null,
    legal_basis_version_id: content.legalBasis.versionId, content: contentJson, content_sha256: contentSha, verify_code: code,
    pdf: null, pdf_sha256: pdfSha, issued_by: p.issuedBy, issued_at: content.issuedAt,
  };
  await trx.insertInto('enforcement_documents').values(row).execute();
  return { ...row, pdf };
}

/**
 * The party's phone as this viewer may see it (PHONE_FULL, personal-data.ts): the same rule as the
 * ladder's party, so a document does not show whole what the page beside it masks. No viewer: masked.
 */
function contentFor(content: DocumentContent, viewer: Pick<Actor, 'role'> | null): DocumentContent {
  if (!content.subject.contactPhone || (viewer && seesPhone(viewer, 'party'))) return content;
  return { ...content, subject: { ...content.subject, contactPhone: maskPhone(content.subject.contactPhone) } };
}

export function documentDto(d: Omit<EnforcementDocumentTable, 'pdf'>, supersededBy: string | null = null, viewer: Pick<Actor, 'role'> | null = null) {
  return {
    id: d.id, kind: d.kind, title: DOC_TITLES[d.kind], number: d.number, revision: Number(d.revision), seq: Number(d.seq),
    year: Number(d.year), supersedesId: d.supersedes_id, supersededById: supersededBy, enforcementCaseId: d.enforcement_case_id,
    stepId: d.step_id, issuedAt: d.issued_at, issuedBy: d.issued_by, verifyCode: d.verify_code, pdfSha256: d.pdf_sha256,
    content: contentFor(JSON.parse(d.content) as DocumentContent, viewer), pdfUrl: `/api/enforcement/documents/${d.id}/pdf`,
  };
}

const META = ['id', 'subdistrict_id', 'enforcement_case_id', 'step_id', 'kind', 'year', 'seq', 'number', 'revision', 'supersedes_id', 'legal_basis_version_id', 'content', 'content_sha256', 'verify_code', 'pdf_sha256', 'issued_by', 'issued_at'] as const;

async function scopedDocument(db: Db, actor: Actor, where: { id?: string; code?: string }) {
  assertCan(actor, 'enforcement.read');
  let q = db
    .selectFrom('enforcement_documents as d')
    .innerJoin('enforcement_cases as e', 'e.id', 'd.enforcement_case_id')
    .where(scopeCondition(actor, 'e.subdistrict_id', 'e.committee_id'));
  if (where.id) q = q.where('d.id', '=', where.id);
  if (where.code) q = q.where('d.verify_code', '=', where.code);
  return q.select(META.map((c) => `d.${c}` as const)).select('d.pdf').executeTakeFirst();
}

async function supersededBy(db: Db, id: string) {
  const r = await db.selectFrom('enforcement_documents').select('id').where('supersedes_id', '=', id).executeTakeFirst();
  return r?.id ?? null;
}

export async function getDocument(db: Db, actor: Actor, id: string) {
  const d = await scopedDocument(db, actor, { id });
  if (!d) throw notFound('Document', id);
  return documentDto(d, await supersededBy(db, d.id), actor);
}

/** The bytes of a document's PDF: from the file store, or (issued before the move) from its row. */
async function pdfBytes(files: FileStore, d: { pdf: Buffer | Uint8Array | null; pdf_sha256: string }): Promise<Buffer | null> {
  if (d.pdf) return Buffer.from(d.pdf);
  return files.get(originalKey(d.pdf_sha256));
}

export async function getDocumentPdf(db: Db, files: FileStore, actor: Actor, id: string) {
  const d = await scopedDocument(db, actor, { id });
  if (!d) throw notFound('Document', id);
  const pdf = await pdfBytes(files, d);
  if (!pdf) throw notFound('Document PDF in file storage', id);
  const content = JSON.parse(d.content) as DocumentContent;
  const shown = contentFor(content, actor);
  if (shown === content) return { number: d.number, revision: Number(d.revision), pdf };
  // A viewer who may not see the party's number whole gets a copy rendered from the same frozen
  // content with the number masked; the stored PDF (and its hash, checked by verification) stays.
  const { thumbs } = await thumbnails(db, files, content.photos.map((p) => p.id));
  return { number: d.number, revision: Number(d.revision), pdf: await renderDocumentPdf(shown, d.verify_code, thumbs) };
}

/**
 * Checks a document against the stored record: the code must be the HMAC of the stored content's
 * hash, the content must still hash to that value, and the stored PDF bytes (file store) to their hash.
 */
export async function verifyDocument(db: Db, files: FileStore, actor: Actor, rawCode: string) {
  const code = rawCode.trim().toUpperCase().replace(/[^0-9A-F]/g, '').replace(/(.{4})(?=.)/g, '$1-');
  if (!/^[0-9A-F]{4}(-[0-9A-F]{4}){3}$/.test(code)) throw invalidField('code', 'a verification code looks like XXXX-XXXX-XXXX-XXXX');
  const d = await scopedDocument(db, actor, { code });
  if (!d) return { valid: false as const, code, reason: 'no document with this code in your scope' };
  const key = await db.selectFrom('enforcement_settings').select('signing_key').where('subdistrict_id', '=', d.subdistrict_id).executeTakeFirstOrThrow();
  const contentOk = sha256(d.content) === d.content_sha256;
  const expected = Buffer.from(verifyCodeOf(key.signing_key, d.content_sha256));
  const codeOk = expected.length === Buffer.from(code).length && timingSafeEqual(expected, Buffer.from(code));
  const pdf = await pdfBytes(files, d);
  const pdfOk = pdf !== null && sha256(pdf) === d.pdf_sha256;
  const later = await supersededBy(db, d.id);
  const content = JSON.parse(d.content) as DocumentContent;
  return {
    valid: contentOk && codeOk && pdfOk,
    code,
    checks: { content: contentOk, code: codeOk, pdf: pdfOk },
    superseded: later !== null,
    document: { id: d.id, kind: d.kind, number: d.number, revision: Number(d.revision), issuedAt: d.issued_at, subject: content.subject.name, pdfSha256: d.pdf_sha256 },
  };
}
