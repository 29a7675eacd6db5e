import type { Db } from '../../db/index.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { subdistrictCondition } from '../auth/scope.js';
import { notFound } from '../shared/errors.js';
import { addDays, shanghaiDate, shanghaiMidnight } from '../calendar/office-hours.js';
import type { Band, LegalBasisVersionDto, SubjectClass } from './legal-basis.js';
import { STAGE_LABELS } from './ladder.js';
import { phoneFor } from '../auth/personal-data.js';

/**
 * Repeat offence (再次违法): the number of the subject's OTHER enforcement cases that ended in a
 * penalty decision on the same provision issued within the look-back window before `at`. An order
 * or notice the party obeyed is not a penalty and does not count. The provision is the law and its
 * article and clause, as the decision cited them (the legal-basis version on the document), matched
 * against the current version of `legalBasisId`: a second catalogue row for the same provision
 * (a new code, a replacement for a retired row) counts the decisions under the first.
 * `legalBasisId` null counts decisions under any provision (the subject's history).
 *
 * The window is counted in days, as every period is (periods.ts) and as the documents state it
 * ("在行政处罚决定作出后一年内"): a decision issued on day D (Asia/Shanghai) counts through day
 * D + windowDays, whatever the hour of either.
 */
export async function priorViolations(db: Db, partyId: string, legalBasisId: string | null, at: Date, windowDays: number, excludeCaseId: string | null = null) {
  const since = new Date(shanghaiMidnight(addDays(shanghaiDate(at), -windowDays))).toISOString();
  const provision = legalBasisId ? await provisionOf(db, legalBasisId) : null;
  const q = db
    .selectFrom('enforcement_cases as e')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('e.party_id', '=', partyId)
    .where((eb) =>
      eb.exists(
        eb.selectFrom('enforcement_documents as d')
          .select('d.id')
          .whereRef('d.enforcement_case_id', '=', 'e.id')
          .where('d.kind', '=', 'decision')
          .where('d.revision', '=', 1)
          .where('d.issued_at', '>=', since)
          .where('d.issued_at', '<=', at.toISOString())
          .$if(provision !== null, (d) =>
            d.where((eb2) =>
              eb2.exists(
                eb2.selectFrom('legal_basis_versions as v')
                  .select('v.id')
                  .whereRef('v.id', '=', 'd.legal_basis_version_id')
                  .where('v.regulation_zh', '=', provision!.regulation)
                  .where('v.article', '=', provision!.article)
                  .where((eb3) => eb3.fn.coalesce('v.clause', eb3.val('')), '=', provision!.clause),
              ),
            ),
          ),
      ),
    )
    .$if(excludeCaseId !== null, (w) => w.where('e.id', '!=', excludeCaseId!));
  const row = await q.executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The provision a legal basis currently cites: the law, its article and clause (no clause = ''). */
async function provisionOf(db: Db, legalBasisId: string) {
  const v = await db
    .selectFrom('legal_bases as b')
    .innerJoin('legal_basis_versions as v', (j) => j.onRef('v.legal_basis_id', '=', 'b.id').onRef('v.version', '=', 'b.current_version'))
    .select(['v.regulation_zh', 'v.article', 'v.clause'])
    .where('b.id', '=', legalBasisId)
    .executeTakeFirst();
  if (!v) throw notFound('Legal basis', legalBasisId);
  return { regulation: v.regulation_zh.trim(), article: v.article.trim(), clause: (v.clause ?? '').trim() };
}

/** Responsible parties are shops, units and property companies: the unit bands apply. */
export const subjectClassOf = (_partyKind: string): SubjectClass => 'unit';

export interface FineProposal {
  subjectClass: SubjectClass;
  offence: 'first' | 'repeat';
  priorViolations: number;
  band: Band | null;
  proposed: number;
  /** The legal range for this subject class (the refusal boundary). */
  legalMin: number;
  legalMax: number;
}

export function proposeFine(basis: LegalBasisVersionDto, subjectClass: SubjectClass, prior: number, wasteType: string | null = null): FineProposal {
  const offence = prior > 0 ? 'repeat' : 'first';
  const ofClass = basis.bands.filter((b) => b.subject === subjectClass);
  const band =
    ofClass.find((b) => b.offence === offence && b.wasteType === wasteType) ??
    ofClass.find((b) => b.offence === offence && b.wasteType === null) ??
    null;
  const legalMin = ofClass.length ? Math.min(...ofClass.map((b) => b.min)) : basis.fineMin;
  const legalMax = ofClass.length ? Math.max(...ofClass.map((b) => b.max)) : basis.fineMax;
  return { subjectClass, offence, priorViolations: prior, band, proposed: band?.proposed ?? legalMin, legalMin, legalMax };
}

/** The newest ladders and cases a subject's history lists; the totals count them all. */
export const HISTORY_SHOWN = 200;

/** A subject's history across cases in the loop and enforcement ladders, for every screen showing it. */
export async function subjectHistory(db: Db, actor: Actor, partyId: string, at: Date, shown = HISTORY_SHOWN) {
  assertCan(actor, 'enforcement.read');
  const party = await db
    .selectFrom('responsible_parties')
    .selectAll()
    .where('id', '=', partyId)
    .where(subdistrictCondition(actor, 'subdistrict_id'))
    .executeTakeFirst();
  if (!party) throw notFound('Responsible party', partyId);
  const settings = await db.selectFrom('enforcement_settings').select('repeat_window_days').where('subdistrict_id', '=', party.subdistrict_id).executeTakeFirst();
  const windowDays = Number(settings?.repeat_window_days ?? 365);
  const ladders = await db
    .selectFrom('enforcement_cases as e')
    .innerJoin('cases as c', 'c.id', 'e.case_id')
    .leftJoin('sites as s', 's.id', 'e.site_id')
    .select(['e.id', 'e.stage', 'e.outcome', 'e.fine_amount', 'e.opened_at', 'e.closed_at', 'e.facts', 'c.number as case_number', 's.name as site_name'])
    .where('e.party_id', '=', partyId)
    .orderBy('e.opened_at', 'desc')
    .orderBy('e.id', 'desc')
    .limit(shown)
    .execute();
  const docs = ladders.length
    ? await db
        .selectFrom('enforcement_documents')
        .select(['id', 'enforcement_case_id', 'kind', 'number', 'revision', 'issued_at'])
        .where('enforcement_case_id', 'in', ladders.map((l) => l.id))
        .orderBy('issued_at')
        .execute()
    : [];
  const cases = await db
    .selectFrom('cases as c')
    .innerJoin('sites as s', 's.id', 'c.site_id')
    .select(['c.id', 'c.number', 'c.status', 'c.source', 'c.description', 'c.reported_at', 'c.closed_at', 's.name as site_name'])
    .where('s.responsible_party_id', '=', partyId)
    .orderBy('c.reported_at', 'desc')
    .orderBy('c.id', 'desc')
    .limit(shown)
    .execute();
  // How many there are in all, so a long record says it shows the newest only.
  const [laddersTotal, casesTotal] = await Promise.all([
    ladders.length < shown ? ladders.length
      : db.selectFrom('enforcement_cases').select((eb) => eb.fn.countAll<string | number>().as('n')).where('party_id', '=', partyId).executeTakeFirstOrThrow().then((r) => Number(r.n)),
    cases.length < shown ? cases.length
      : db.selectFrom('cases as c').innerJoin('sites as s', 's.id', 'c.site_id').select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('s.responsible_party_id', '=', partyId).executeTakeFirstOrThrow().then((r) => Number(r.n)),
  ]);
  const prior = await priorViolations(db, partyId, null, at, windowDays);
  return {
    party: { id: party.id, name: party.name, kind: party.kind, contactName: party.contact_name, contactPhone: phoneFor(actor, 'party', party.contact_phone) },
    violationsInWindow: prior,
    windowDays,
    repeatOffender: prior > 0,
    ladders: ladders.map((l) => ({
      id: l.id, stage: l.stage, stageLabel: STAGE_LABELS[l.stage], outcome: l.outcome,
      fineAmount: l.fine_amount === null ? null : Number(l.fine_amount), openedAt: l.opened_at, closedAt: l.closed_at,
      facts: l.facts, caseNumber: l.case_number, siteName: l.site_name,
      documents: docs.filter((d) => d.enforcement_case_id === l.id).map((d) => ({ id: d.id, kind: d.kind, number: d.number, revision: Number(d.revision), issuedAt: d.issued_at })),
    })),
    cases: cases.map((c) => ({ id: c.id, number: c.number, status: c.status, source: c.source, description: c.description, reportedAt: c.reported_at, closedAt: c.closed_at, siteName: c.site_name })),
    /** All of the party's ladders and cases; the lists above hold the newest `shown` of each. */
    laddersTotal,
    casesTotal,
  };
}
