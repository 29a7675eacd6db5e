import { createHash } from 'node:crypto';
import type { Db } from '../../db/index.js';
import { filesFor } from '../../domain/storage/index.js';
import { z } from 'zod';
import { correctDocument, CorrectionInput } from '../../domain/enforcement/correct-document.js';
import { enforcementCounts } from '../../domain/enforcement/counts.js';
import { getDocument, getDocumentPdf, verifyDocument } from '../../domain/enforcement/documents.js';
import { subjectHistory } from '../../domain/enforcement/history.js';
import { LADDER, STAGE_LABELS } from '../../domain/enforcement/ladder.js';
import { createLegalBasis, editLegalBasis, LegalBasisEdit, LegalBasisInput, listLegalBases } from '../../domain/enforcement/legal-basis.js';
import { DUE_PAGE_DEFAULT, DUE_PAGE_MAX, getEnforcementCase, ListQuery, listEnforcementCases, reinspectionsDueToday } from '../../domain/enforcement/list-cases.js';
import { listOfficers } from '../../domain/enforcement/officers.js';
import { OpenInput, openEnforcementCase } from '../../domain/enforcement/open-case.js';
import { recordStep } from '../../domain/enforcement/record-step.js';
import { recordService } from '../../domain/enforcement/record-service.js';
import { ServiceInput } from '../../domain/enforcement/service.js';
import { getSettings, SettingsInput, updateSettings } from '../../domain/enforcement/settings.js';
import { StepInput } from '../../domain/enforcement/step-input.js';
import { idempotentWrite } from '../idempotency.js';
import { snapshotRow } from '../../domain/audit/snapshot.js';
import { audited } from '../audited.js';
import { currentLegalBasis } from '../../domain/audit/snapshot.js';
import { def } from '../route.js';
import { pageQuery } from './paging.js';
import { partialHeaders, requestedRange, sendUnsatisfiable } from './byte-range.js';

const IdParams = z.strictObject({ id: z.string().min(1).max(64) });
const SubParams = z.strictObject({ subdistrictId: z.string().min(1).max(64) });
const instant = z.iso.datetime({ offset: true });
const tags = ['enforcement'];

export const ladder = def({
  schema: { tags, summary: 'The enforcement ladder table (steps, stages, documents) for clients' },
  handler: async () => ({ steps: LADDER, stages: STAGE_LABELS }),
});

export const legalBases = def({
  schema: { tags, summary: 'Legal-basis catalogue (current versions)' },
  handler: async ({ deps, actor }) => ({ items: await listLegalBases(deps.db, actor) }),
});

export const createBasis = def({
  schema: { tags, summary: 'Add a legal basis (version 1)', params: SubParams, body: LegalBasisInput },
  handler: async ({ req, reply, deps, actor }) => {
    reply.status(201);
    return audited(
      { req, deps, actor },
      {
        action: 'legal_basis.create',
        entity: 'legal_basis',
        entityId: (b) => b.id,
        subdistrictId: req.params.subdistrictId,
        after: (_trx, b) => b,
      },
      (trx: Db) => createLegalBasis(trx, deps.clock, actor, req.params.subdistrictId, req.body),
    );
  },
});

export const editBasis = def({
  schema: { tags, summary: 'Edit a legal basis: adds a new version (documents keep the version they cite)', params: IdParams, body: LegalBasisEdit },
  handler: async ({ req, deps, actor }) =>
    audited(
      { req, deps, actor },
      {
        action: 'legal_basis.update',
        entity: 'legal_basis',
        entityId: req.params.id,
        before: (trx) => currentLegalBasis(trx, req.params.id),
        after: (_trx, b) => b,
      },
      (trx: Db) => editLegalBasis(trx, deps.clock, actor, req.params.id, req.body),
    ),
});

export const settings = def({
  schema: { tags, summary: 'Enforcement settings of a subdistrict (office, number patterns, repeat rule)', params: SubParams },
  handler: async ({ req, deps, actor }) => getSettings(deps.db, actor, req.params.subdistrictId),
});

export const putSettings = def({
  schema: { tags, summary: 'Change enforcement settings', params: SubParams, body: SettingsInput },
  handler: async ({ req, deps, actor }) =>
    audited(
      { req, deps, actor },
      {
        action: 'enforcement_settings.update',
        entity: 'enforcement_settings',
        entityId: req.params.subdistrictId,
        subdistrictId: req.params.subdistrictId,
        before: (trx) => snapshotRow(trx, 'enforcement_settings', 'subdistrict_id', req.params.subdistrictId),
        after: (trx) => snapshotRow(trx, 'enforcement_settings', 'subdistrict_id', req.params.subdistrictId),
      },
      (trx: Db) => updateSettings(trx, deps.clock, actor, req.params.subdistrictId, req.body),
    ),
});

export const list = def({
  schema: { tags, summary: 'Enforcement desk: ladders by stage; overdue fines; penalty decisions not served within their seven days', querystring: ListQuery },
  handler: async ({ req, deps, actor }) => listEnforcementCases(deps.db, actor, req.query, deps.clock.now()),
});

export const dueToday = def({
  schema: {
    tags, summary: 'Re-inspections due today (dispatched by the platform), overdue ones included, the earliest due first, in pages (after → nextCursor)',
    querystring: z.strictObject(pageQuery(DUE_PAGE_MAX, DUE_PAGE_DEFAULT)),
  },
  handler: async ({ req, deps, actor }) => reinspectionsDueToday(deps.db, actor, deps.clock.now(), req.query),
});

export const counts = def({
  schema: { tags, summary: 'Enforcement figures for a period (and, now: open by stage, fines overdue, penalty decisions overdue for service)', querystring: z.strictObject({ from: instant, to: instant }) },
  handler: async ({ req, deps, actor }) => enforcementCounts(deps.db, actor, { from: new Date(req.query.from).toISOString(), to: new Date(req.query.to).toISOString() }, deps.clock.now()),
});

export const open = def({
  schema: { tags, summary: 'Open an enforcement case (from a failed inspection, a case in the loop, or directly at a site)', body: OpenInput },
  handler: async ({ req, reply, deps, actor }) =>
    idempotentWrite(deps, req, reply, actor, { route: 'POST /api/enforcement/cases', status: 201 }, (trx) => openEnforcementCase(trx, deps.clock, actor, req.body)),
});

export const get = def({
  schema: { tags, summary: 'One ladder: steps, people, documents, tasks, subject, proposed fine', params: IdParams },
  handler: async ({ req, deps, actor }) => getEnforcementCase(deps.db, actor, req.params.id, deps.clock.now()),
});

export const step = def({
  schema: { tags, summary: 'Record the next step of the ladder (order, reinspection, notice, decision, payment)', params: IdParams, body: StepInput },
  handler: async ({ req, reply, deps, actor }) =>
    idempotentWrite(deps, req, reply, actor, { route: 'POST /api/enforcement/cases/:id/steps', status: 201 }, (trx) =>
      recordStep(trx, deps.clock, { files: filesFor(deps.config) }, actor, req.params.id, req.body),
    ),
});

export const history = def({
  schema: { tags, summary: "A subject's history across cases and ladders (repeat offenders)", params: IdParams },
  handler: async ({ req, deps, actor }) => subjectHistory(deps.db, actor, req.params.id, deps.clock.now()),
});

export const document = def({
  schema: { tags, summary: 'A document record (frozen content, number, verification code)', params: IdParams },
  handler: async ({ req, deps, actor }) => getDocument(deps.db, actor, req.params.id),
});

export const pdf = def({
  schema: { tags, summary: 'The stored PDF of a document (immutable bytes)', params: IdParams },
  handler: async ({ req, reply, deps, actor }) => {
    const d = await getDocumentPdf(deps.db, filesFor(deps.config), actor, req.params.id);
    // The tag is the hash of the bytes this viewer gets (a masked copy differs from the stored
    // PDF), so a range asked with If-Range of another copy gets the whole file.
    const etag = createHash('sha256').update(d.pdf).digest('hex');
    const range = requestedRange(req, d.pdf.length, etag);
    if (range === 'unsatisfiable') return sendUnsatisfiable(reply, d.pdf.length);
    reply
      .header('content-type', 'application/pdf')
      .header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(`${d.number}-r${d.revision}.pdf`)}`)
      .header('cache-control', 'private, max-age=31536000, immutable')
      .header('etag', `"${etag}"`)
      .header('accept-ranges', 'bytes')
      .header('x-content-type-options', 'nosniff');
    if (range) return partialHeaders(reply, range, d.pdf.length).send(d.pdf.subarray(range.start, range.end + 1));
    return reply.send(d.pdf);
  },
});

export const correct = def({
  schema: { tags, summary: 'Correct a document: issues a new revision referring to the old one', params: IdParams, body: CorrectionInput },
  handler: async ({ req, reply, deps, actor }) => {
    reply.status(201);
    return correctDocument(deps.db, deps.clock, { files: filesFor(deps.config) }, actor, req.params.id, req.body);
  },
});

export const serve = def({
  schema: {
    tags, params: IdParams, body: ServiceInput,
    summary: 'Record the later service (送达) of a document the party was absent for (post, electronic with consent, public notice): the party\'s periods start from it',
  },
  handler: async ({ req, reply, deps, actor }) => {
    reply.status(201);
    return audited(
      { req, deps, actor },
      {
        action: 'enforcement_document.serve',
        entity: 'enforcement_document',
        entityId: req.params.id,
        after: (_trx, r) => ({ service: r.service, document: { id: r.document.id, number: r.document.number, revision: r.document.revision }, case: r.case.id }),
      },
      (trx: Db) => recordService(trx, deps.clock, { files: filesFor(deps.config) }, actor, req.params.id, req.body),
    );
  },
});

export const verify = def({
  schema: { tags, summary: 'Check a document against the stored record by its verification code (within your scope)', querystring: z.strictObject({ code: z.string().trim().min(1).max(40) }) },
  handler: async ({ req, deps, actor }) => verifyDocument(deps.db, filesFor(deps.config), actor, req.query.code),
});

export const officers = def({
  schema: { tags, summary: 'Enforcement officers of my subdistricts (second signatories)' },
  handler: async ({ deps, actor }) => ({ items: await listOfficers(deps.db, actor) }),
});
