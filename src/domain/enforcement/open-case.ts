import { z } from 'zod';
import { type Db, isPostgres } from '../../db/index.js';
import type { EnforcementCaseTable } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { scopeCondition } from '../auth/scope.js';
import { GpsInput, parseInput } from '../cases/case-input.js';
import { appendCaseEvent, eventActor } from '../cases/events.js';
import { FINAL_STATUSES } from '../cases/lifecycle.js';
import { reportCase } from '../cases/report-case.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, invalidField } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { enforcementCaseDto } from './enforcement-dto.js';
import { fileToEnforcementTeam } from './file-to-team.js';
import { priorViolations } from './history.js';
import { currentVersion } from './legal-basis.js';
import { loadSettings } from './settings.js';
import { inTransaction } from '../shared/in-transaction.js';

const id = z.string().min(1).max(64);
export const OpenInput = z.strictObject({
  /** Opened from a failed inspection (its reported case becomes the linked case). */
  inspectionId: id.optional(),
  /** Escalated from a case in the loop. */
  caseId: id.optional(),
  /** Opened directly at a site: a case is reported into the loop (source enforcement). */
  siteId: id.optional(),
  categoryId: id.optional(),
  gps: GpsInput.optional(),
  /** When the officer opened it on the phone (it may be sent later from the outbox); kept on the event. */
  deviceAt: z.iso.datetime({ offset: true }).optional(),
  photoIds: z.array(id).max(9).default([]),
  /** The subject; defaults to the site's responsible party. */
  partyId: id.optional(),
  legalBasisId: id.optional(),
  facts: z.string().trim().min(1).max(2000),
});
export type OpenInput = z.input<typeof OpenInput>;

interface Origin {
  origin: EnforcementCaseTable['origin'];
  caseId: string | null;
  siteId: string | null;
  inspectionId: string | null;
}

async function resolveOrigin(db: Db, actor: Actor, i: z.output<typeof OpenInput>): Promise<Origin> {
  const given = [i.inspectionId, i.caseId, i.siteId].filter(Boolean).length;
  if (given !== 1) throw invalidField(i.inspectionId || i.caseId ? 'caseId' : 'siteId', 'give exactly one of inspectionId, caseId or siteId');
  if (i.inspectionId) {
    const insp = await db
      .selectFrom('inspections')
      .select(['id', 'site_id', 'outcome'])
      .where('id', '=', i.inspectionId)
      .where(scopeCondition(actor, 'subdistrict_id', 'committee_id'))
      .executeTakeFirst();
    if (!insp) throw invalidField('inspectionId', 'unknown inspection');
    if (insp.outcome !== 'fail') throw invalidField('inspectionId', 'the inspection passed; nothing to enforce');
    const linked = await db
      .selectFrom('inspection_cases')
      .select('case_id')
      .where('inspection_id', '=', insp.id)
      .where('resolution', '=', 'reported')
      .orderBy('case_id')
      .executeTakeFirst();
    if (!linked) throw invalidField('inspectionId', 'the inspection reported no open problem (all fixed on the spot)');
    // The inspection's problem was settled (closed, cancelled, merged): a ladder on it would enforce
    // what is already ended (the caseId path refuses the same case for the same reason).
    const c = await db.selectFrom('cases').select('status').where('id', '=', linked.case_id).executeTakeFirstOrThrow();
    if (FINAL_STATUSES.includes(c.status)) throw invalidField('inspectionId', `the case the inspection reported is ${c.status}`);
    return { origin: 'inspection', caseId: linked.case_id, siteId: insp.site_id, inspectionId: insp.id };
  }
  if (i.caseId) {
    const c = await db
      .selectFrom('cases')
      .select(['id', 'site_id', 'status'])
      .where('id', '=', i.caseId)
      .where(scopeCondition(actor, 'subdistrict_id', 'committee_id'))
      .executeTakeFirst();
    if (!c) throw invalidField('caseId', 'unknown case');
    if (FINAL_STATUSES.includes(c.status)) throw invalidField('caseId', `the case is ${c.status}`);
    return { origin: 'case', caseId: c.id, siteId: c.site_id, inspectionId: null };
  }
  if (!i.categoryId) throw invalidField('categoryId', 'required when opening at a site');
  if (!i.gps) throw invalidField('gps', 'required when opening at a site');
  return { origin: 'direct', caseId: null, siteId: i.siteId!, inspectionId: null };
}

/**
 * Opens an enforcement case against a responsible party. Every enforcement case is linked to a
 * case in the loop (its events carry the ladder's steps onto the subdistrict's hash chain).
 */
export async function openEnforcementCase(db: Db, clock: Clock, actor: Actor, raw: OpenInput) {
  assertCan(actor, 'enforcement.act');
  const i = parseInput(OpenInput, raw);
  const o = await resolveOrigin(db, actor, i);
  let site: { id: string; subdistrict_id: string; committee_id: string; responsible_party_id: string | null } | undefined;
  if (o.siteId) {
    site = await db
      .selectFrom('sites')
      .select(['id', 'subdistrict_id', 'committee_id', 'responsible_party_id'])
      .where('id', '=', o.siteId)
      .where(scopeCondition(actor, 'subdistrict_id', 'committee_id'))
      .executeTakeFirst();
    if (!site) throw invalidField('siteId', 'unknown site');
  }
  const partyId = i.partyId ?? site?.responsible_party_id;
  if (!partyId) throw invalidField('partyId', 'the site has no responsible party; name the subject');
  const party = await db.selectFrom('responsible_parties').select(['id', 'subdistrict_id']).where('id', '=', partyId).executeTakeFirst();
  let subdistrictId = site?.subdistrict_id;
  if (!subdistrictId && o.caseId) {
    subdistrictId = (await db.selectFrom('cases').select('subdistrict_id').where('id', '=', o.caseId).executeTakeFirstOrThrow()).subdistrict_id;
  }
  if (!party || party.subdistrict_id !== subdistrictId) throw invalidField('partyId', 'unknown responsible party');
  if (!i.legalBasisId) throw invalidField('legalBasisId', 'cite the legal basis');
  await currentVersion(db, subdistrictId!, i.legalBasisId);
  const { settings } = await loadSettings(db, subdistrictId!);

  return inTransaction(db, async (trx) => {
    // One violation, one ladder (行政处罚法 art. 29: no second fine for the same act): while a ladder
    // on the party and provision runs to its decision, another is refused. The party's
    // row is held until commit (PostgreSQL) so two officers opening at once queue here and the
    // second sees the first one's ladder (SQLite writes one at a time).
    let partyRow = trx.selectFrom('responsible_parties').select('id').where('id', '=', partyId);
    if (isPostgres(trx)) partyRow = partyRow.forUpdate();
    await partyRow.executeTakeFirstOrThrow();
    const running = await trx
      .selectFrom('enforcement_cases')
      .select('id')
      .where('party_id', '=', partyId)
      .where('legal_basis_id', '=', i.legalBasisId!)
      // Decided: the act is penalised; a breach found after the decision is a new act (a repeat offence).
      .where('stage', 'not in', ['decided', 'closed'])
      .orderBy('opened_at')
      .executeTakeFirst();
    if (running) {
      throw new DomainError('duplicate', `The party already has an open enforcement ladder on this legal basis (${running.id}); record the steps there`, {
        enforcementCaseId: running.id, fields: [{ field: 'legalBasisId', reason: `an enforcement ladder is already open on this legal basis: ${running.id}` }],
      });
    }
    let caseId = o.caseId;
    if (!caseId) {
      const created = await reportCase(trx, clock, actor, {
        source: 'enforcement', categoryId: i.categoryId!, siteId: o.siteId!, lng: i.gps!.lng, lat: i.gps!.lat,
        ...(i.gps!.accuracy !== undefined && { accuracy: i.gps!.accuracy }), description: i.facts, photoIds: i.photoIds,
      });
      caseId = created.id;
      await fileToEnforcementTeam(trx, clock, caseId);
    }
    // The linked case's row is held until commit (PostgreSQL): two officers escalating it at once
    // queue here, and the second sees the first one's ladder (SQLite writes one at a time).
    let byId = trx.selectFrom('cases').selectAll().where('id', '=', caseId);
    if (isPostgres(trx)) byId = byId.forUpdate();
    const linked = await byId.executeTakeFirstOrThrow();
    const open = await trx.selectFrom('enforcement_cases').select('id').where('case_id', '=', caseId).where('stage', '!=', 'closed').executeTakeFirst();
    if (open) {
      throw new DomainError('conflict', 'This case already has an open enforcement ladder', {
        enforcementCaseId: open.id, fields: [{ field: o.origin === 'inspection' ? 'inspectionId' : 'caseId', reason: 'the case already has an open enforcement ladder' }],
      });
    }
    const now = clock.now();
    const at = now.toISOString();
    const prior = await priorViolations(trx, partyId, i.legalBasisId!, now, settings.repeatWindowDays);
    const row: EnforcementCaseTable = {
      id: newId(), subdistrict_id: linked.subdistrict_id, committee_id: linked.committee_id, site_id: site?.id ?? linked.site_id,
      party_id: partyId, case_id: linked.id, origin: o.origin, inspection_id: o.inspectionId, legal_basis_id: i.legalBasisId!,
      facts: i.facts, stage: 'opened', outcome: null, prior_violations: prior, deadline_at: null, reinspect_at: null, fine_amount: null,
      payment_due_at: null, overdue_at: null, paid_at: null, proposed_fine: null, hearing_eligible: null, statement_ends_at: null, hearing_request_ends_at: null, opened_by: actor.userId, opened_at: at, closed_at: null, updated_at: at, version: 1,
    };
    await trx.insertInto('enforcement_cases').values(row).execute();
    await appendCaseEvent(trx, clock, {
      subdistrictId: linked.subdistrict_id, caseId: linked.id, action: 'enforcement_open', fromStatus: linked.status, toStatus: linked.status,
      actor: eventActor(actor), deviceAt: i.deviceAt ?? null, gps: i.gps ?? null, note: i.facts,
      changes: { enforcement: [null, { id: row.id, stage: 'opened', partyId, legalBasisId: row.legal_basis_id, priorViolations: prior }] },
    });
    return enforcementCaseDto(row, settings.repeatStartsAtNotice && prior > 0);
  });
}
