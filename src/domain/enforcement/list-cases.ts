import { z } from 'zod';
import type { Db } from '../../db/index.js';
import { ENFORCEMENT_STAGES } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { scopeCondition } from '../auth/scope.js';
import { addDays, shanghaiDate, shanghaiInstant } from '../checkins/local-time.js';
import { parseInput } from '../cases/case-input.js';
import { notFound } from '../shared/errors.js';
import { pageLimit, readKeysetPage } from '../shared/keyset-page.js';
import { documentDto } from './documents.js';
import { enforcementCaseDto, loadSteps } from './enforcement-dto.js';
import { priorViolations, proposeFine, subjectClassOf } from './history.js';
import { suggestedDeadline } from './procedure.js';
import { currentVersion, getVersion } from './legal-basis.js';
import { loadScopedCase } from './record-step.js';
import { serviceLimit, serviceOverdueInScope } from './service-limit.js';
import { loadSettings } from './settings.js';
import { phoneFor } from '../auth/personal-data.js';

export const ListQuery = z.strictObject({
  stage: z.enum(ENFORCEMENT_STAGES).optional(),
  /**
   * open: every stage but closed; overdue_fines: decided and past the payment due date;
   * overdue_service: a penalty decision the party was absent for, not served within its seven days (service-limit.ts)
   */
  view: z.enum(['open', 'overdue_fines', 'overdue_service', 'all']).default('open'),
  partyId: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  after: z.string().min(1).max(64).optional(),
});
export type ListQuery = z.input<typeof ListQuery>;

/**
 * The enforcement desk: ladders by step, newest first, keyset-paginated on id. Each says by when
 * its penalty decision must be served, when the party was absent for it, and whether that is past.
 */
export async function listEnforcementCases(db: Db, actor: Actor, raw: ListQuery, now: Date) {
  assertCan(actor, 'enforcement.read');
  const q = parseInput(ListQuery, raw);
  let sel = db
    .selectFrom('enforcement_cases as e')
    .innerJoin('responsible_parties as p', 'p.id', 'e.party_id')
    .innerJoin('cases as c', 'c.id', 'e.case_id')
    .leftJoin('sites as s', 's.id', 'e.site_id')
    .leftJoin('enforcement_steps as u', 'u.id', 'e.unserved_step_id')
    .selectAll('e')
    .select(['p.name as party_name', 'c.number as case_number', 's.name as site_name', 's.address as site_address', 'u.kind as unserved_kind', 'u.at as unserved_at'])
    .where(scopeCondition(actor, 'e.subdistrict_id', 'e.committee_id'));
  if (q.stage) sel = sel.where('e.stage', '=', q.stage);
  if (q.view === 'open') sel = sel.where('e.stage', '!=', 'closed');
  if (q.view === 'overdue_fines') sel = sel.where('e.stage', '=', 'decided').where('e.overdue_at', 'is not', null);
  if (q.view === 'overdue_service') {
    sel = sel.where(await serviceOverdueInScope(db, actor, now));
  }
  if (q.partyId) sel = sel.where('e.party_id', '=', q.partyId);
  if (q.after) sel = sel.where('e.id', '<', q.after);
  const rows = await sel.orderBy('e.id', 'desc').limit(q.limit + 1).execute();
  const page = rows.slice(0, q.limit);
  return {
    items: await Promise.all(page.map(async (r) => ({
      ...enforcementCaseDto(r, false), partyName: r.party_name, caseNumber: r.case_number, siteName: r.site_name, siteAddress: r.site_address,
      ...(await serviceLimit(db, r, r.unserved_kind && r.unserved_at ? { kind: r.unserved_kind, at: r.unserved_at } : null, now)),
    }))),
    nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null,
  };
}

export const DUE_PAGE_DEFAULT = 200;
export const DUE_PAGE_MAX = 1000;

/**
 * Re-inspection tasks still open and due by the end of today (Asia/Shanghai), overdue ones
 * included, the earliest due first, in pages (`after` → `nextCursor`).
 */
export async function reinspectionsDueToday(db: Db, actor: Actor, now: Date, page: { after?: string; limit?: number } = {}) {
  assertCan(actor, 'enforcement.read');
  const limit = pageLimit(page.limit, DUE_PAGE_DEFAULT, DUE_PAGE_MAX);
  const endOfToday = shanghaiInstant(addDays(shanghaiDate(now), 1)).toISOString();
  let q = db
    .selectFrom('enforcement_tasks as t')
    .innerJoin('enforcement_cases as e', 'e.id', 't.enforcement_case_id')
    .innerJoin('responsible_parties as p', 'p.id', 'e.party_id')
    .innerJoin('cases as c', 'c.id', 'e.case_id')
    .leftJoin('sites as s', 's.id', 'e.site_id')
    .select(['t.id', 't.enforcement_case_id', 't.stage', 't.deadline_at', 't.due_at', 't.dispatched_at', 't.assigned_unit_id', 'p.name as party_name', 's.name as site_name', 's.address as site_address', 's.lat', 's.lng', 'c.number as case_number'])
    .where(scopeCondition(actor, 'e.subdistrict_id', 'e.committee_id'))
    .where('t.status', '=', 'open')
    .where('t.due_at', '<', endOfToday);
  const { page: shown, nextCursor } = await readKeysetPage(
    q, { keys: ['t.due_at', 't.id'], kinds: ['string', 'string'], order: 'asc' }, { after: page.after, limit }, (r) => [r.due_at, r.id],
  );
  const items = shown.map((r) => ({
    id: r.id, enforcementCaseId: r.enforcement_case_id, stage: r.stage, deadlineAt: r.deadline_at, dueAt: r.due_at, dispatchedAt: r.dispatched_at,
    assignedUnitId: r.assigned_unit_id, partyName: r.party_name, siteName: r.site_name, siteAddress: r.site_address, caseNumber: r.case_number,
    overdue: r.due_at < now.toISOString(), lat: r.lat === null ? null : Number(r.lat), lng: r.lng === null ? null : Number(r.lng),
  }));
  return { items, nextCursor };
}

/** One ladder with its steps, documents, subject, legal basis, open tasks and the fine the system proposes. */
export async function getEnforcementCase(db: Db, actor: Actor, id: string, now: Date) {
  assertCan(actor, 'enforcement.read');
  const ec = await loadScopedCase(db, actor, id).catch(() => {
    throw notFound('Enforcement case', id);
  });
  const { settings } = await loadSettings(db, ec.subdistrict_id);
  const party = await db.selectFrom('responsible_parties').selectAll().where('id', '=', ec.party_id).executeTakeFirstOrThrow();
  const site = ec.site_id ? await db.selectFrom('sites').select(['id', 'name', 'address', 'lat', 'lng', 'kind']).where('id', '=', ec.site_id).executeTakeFirst() : undefined;
  const linked = await db.selectFrom('cases').select(['id', 'number', 'status']).where('id', '=', ec.case_id).executeTakeFirstOrThrow();
  const basis = await currentVersion(db, ec.subdistrict_id, ec.legal_basis_id).catch(() => null);
  const docs = await db
    .selectFrom('enforcement_documents')
    .select(['id', 'subdistrict_id', 'enforcement_case_id', 'step_id', 'kind', 'year', 'seq', 'number', 'revision', 'supersedes_id', 'legal_basis_version_id', 'content', 'content_sha256', 'verify_code', 'pdf_sha256', 'issued_by', 'issued_at'])
    .where('enforcement_case_id', '=', ec.id)
    .orderBy('issued_at')
    .execute();
  const tasks = await db.selectFrom('enforcement_tasks').selectAll().where('enforcement_case_id', '=', ec.id).orderBy('dispatched_at').execute();
  const shortcut = settings.repeatStartsAtNotice && Number(ec.prior_violations) > 0;
  // Before the prior notice the repeat count is what the prior notice would count (back from the
  // breach the ladder was opened on); from then on, the frozen one.
  const prior = ec.proposed_fine === null ? await priorViolations(db, ec.party_id, ec.legal_basis_id, new Date(ec.opened_at), settings.repeatWindowDays, ec.id) : Number(ec.prior_violations);
  const proposal = basis ? proposeFine(basis, subjectClassOf(party.kind), prior) : null;
  const category = await db.selectFrom('cases as c').innerJoin('case_categories as k', 'k.id', 'c.category_id').select('k.code').where('c.id', '=', ec.case_id).executeTakeFirst();
  const deadlineNext = ec.stage === 'opened' || ec.stage === 'order_failed';
  const suggestedDeadlineAt = deadlineNext ? (await suggestedDeadline(db, settings, category?.code ?? null, now)).at : null;
  const unserved = ec.unserved_step_id ? await db.selectFrom('enforcement_steps').select(['kind', 'at']).where('id', '=', ec.unserved_step_id).executeTakeFirst() : null;
  return {
    ...enforcementCaseDto(ec, shortcut),
    ...(await serviceLimit(db, ec, unserved, now)),
    party: { id: party.id, name: party.name, kind: party.kind, contactName: party.contact_name, contactPhone: phoneFor(actor, 'party', party.contact_phone) },
    site: site ? { id: site.id, name: site.name, address: site.address, kind: site.kind, lat: Number(site.lat), lng: Number(site.lng) } : null,
    linkedCase: { id: linked.id, number: linked.number, status: linked.status },
    legalBasis: basis,
    fineProposal: proposal,
    suggestedDeadlineAt,
    // When it was computed: the step sends both back, and the suggestion it showed is honoured (procedure.ts).
    suggestedDeadlineFrom: suggestedDeadlineAt ? now.toISOString() : null,
    steps: await loadSteps(db, ec.id),
    documents: docs.map((d) => documentDto(d, docs.find((x) => x.supersedes_id === d.id)?.id ?? null, actor)),
    tasks: tasks.map((t) => ({ id: t.id, stage: t.stage, deadlineAt: t.deadline_at, dueAt: t.due_at, status: t.status, dispatchedAt: t.dispatched_at, doneAt: t.done_at, assignedUnitId: t.assigned_unit_id })),
    now: now.toISOString(),
    citedVersions: await Promise.all([...new Set(docs.map((d) => d.legal_basis_version_id))].map((v) => getVersion(db, v))),
  };
}
