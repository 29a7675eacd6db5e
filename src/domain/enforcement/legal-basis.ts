import { z } from 'zod';
import type { Db } from '../../db/index.js';
import type { LegalBasisVersionTable } from '../../db/schema.js';
import type { Actor } from '../auth/actor.js';
import { assertCan } from '../auth/permissions.js';
import { assertOwnsSubdistrict, subdistrictCondition } from '../auth/scope.js';
import { parseInput } from '../cases/case-input.js';
import type { Clock } from '../shared/clock.js';
import { DomainError, invalidField, notFound } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { inTransaction } from '../shared/in-transaction.js';

/**
 * The legal-basis catalogue: a regulation article with its duty, penalty provision, fine range
 * and discretion bands. Editing never changes a version in place: it adds version n+1 and moves
 * `current_version`; a document stores the id of the version it cites, so it stays as issued.
 */
export const SUBJECT_CLASSES = ['unit', 'individual'] as const;
export type SubjectClass = (typeof SUBJECT_CLASSES)[number];

const amount = z.number().int().min(0).max(10_000_000);
export const Band = z.strictObject({
  subject: z.enum(SUBJECT_CLASSES),
  offence: z.enum(['first', 'repeat']),
  /** null = any waste type; otherwise e.g. 'wet', 'hazardous' (the official table bands some) */
  wasteType: z.string().trim().min(1).max(40).nullable().default(null),
  min: amount,
  max: amount,
  proposed: amount,
});
export type Band = z.output<typeof Band>;

const text = (max: number) => z.string().trim().min(1).max(max);
export const LegalBasisInput = z.strictObject({
  code: z.string().trim().regex(/^[A-Za-z0-9._-]{2,40}$/, 'letters, digits, dot, dash'),
  regulationZh: text(200),
  regulationEn: text(200),
  article: text(40),
  clause: z.string().trim().max(40).nullable().default(null),
  dutyZh: text(1000),
  dutyEn: text(1000),
  penaltyZh: text(1000),
  penaltyEn: text(1000),
  fineMin: amount,
  fineMax: amount,
  bands: z.array(Band).max(40),
  /** The fine (RMB) from which the party may request a hearing, per subject class; null = no hearing right under this basis. */
  hearingThresholds: z.strictObject({ unit: amount, individual: amount }).nullable().default(null),
  agencyZh: text(200),
  agencyEn: text(200),
});
export type LegalBasisInput = z.input<typeof LegalBasisInput>;
export const LegalBasisEdit = LegalBasisInput.omit({ code: true }).extend({ version: z.number().int().positive() });
export type LegalBasisEdit = z.input<typeof LegalBasisEdit>;

function checkRanges(input: { fineMin: number; fineMax: number; bands: Band[] }) {
  if (input.fineMax < input.fineMin) throw invalidField('fineMax', 'must be at least fineMin');
  input.bands.forEach((b, i) => {
    if (b.max < b.min) throw invalidField(`bands.${i}.max`, 'must be at least min');
    if (b.min < input.fineMin || b.max > input.fineMax) throw invalidField(`bands.${i}`, `must lie within ${input.fineMin}–${input.fineMax}`);
    if (b.proposed < b.min || b.proposed > b.max) throw invalidField(`bands.${i}.proposed`, 'must lie within the band');
  });
}

export function legalBasisVersionDto(v: LegalBasisVersionTable) {
  return {
    versionId: v.id, version: Number(v.version), regulationZh: v.regulation_zh, regulationEn: v.regulation_en,
    article: v.article, clause: v.clause, dutyZh: v.duty_zh, dutyEn: v.duty_en, penaltyZh: v.penalty_zh, penaltyEn: v.penalty_en,
    fineMin: Number(v.fine_min), fineMax: Number(v.fine_max), bands: JSON.parse(v.bands) as Band[],
    agencyZh: v.agency_zh, agencyEn: v.agency_en, createdAt: v.created_at,
    hearingThresholds: v.hearing_thresholds ? (JSON.parse(v.hearing_thresholds) as Record<SubjectClass, number>) : null,
  };
}
export type LegalBasisVersionDto = ReturnType<typeof legalBasisVersionDto>;

/** "第二十六条第一款" style citation text for documents; article and clause are free data. */
export const citation = (v: Pick<LegalBasisVersionDto, 'regulationZh' | 'article' | 'clause'>) =>
  `《${v.regulationZh}》${v.article}${v.clause ?? ''}`;

/** Writes version n of a legal basis (n = 1 on creation). */
export async function insertVersion(db: Db, clock: Clock, legalBasisId: string, version: number, input: z.output<typeof LegalBasisEdit> | z.output<typeof LegalBasisInput>, userId: string | null) {
  const row: LegalBasisVersionTable = {
    id: newId(), legal_basis_id: legalBasisId, version, regulation_zh: input.regulationZh, regulation_en: input.regulationEn,
    article: input.article, clause: input.clause, duty_zh: input.dutyZh, duty_en: input.dutyEn, penalty_zh: input.penaltyZh,
    penalty_en: input.penaltyEn, fine_min: input.fineMin, fine_max: input.fineMax, bands: JSON.stringify(input.bands),
    agency_zh: input.agencyZh, agency_en: input.agencyEn, hearing_thresholds: input.hearingThresholds ? JSON.stringify(input.hearingThresholds) : null, created_by: userId, created_at: clock.now().toISOString(),
  };
  await db.insertInto('legal_basis_versions').values(row).execute();
  return row;
}

export async function listLegalBases(db: Db, actor: Actor) {
  assertCan(actor, 'enforcement.read');
  const rows = await db
    .selectFrom('legal_bases as b')
    .innerJoin('legal_basis_versions as v', (j) => j.onRef('v.legal_basis_id', '=', 'b.id').onRef('v.version', '=', 'b.current_version'))
    .selectAll('v')
    .select(['b.id as basis_id', 'b.code', 'b.subdistrict_id', 'b.active'])
    .where(subdistrictCondition(actor, 'b.subdistrict_id'))
    .orderBy('b.code')
    .execute();
  return rows.map((r) => ({ id: r.basis_id, code: r.code, subdistrictId: r.subdistrict_id, active: r.active === 1, ...legalBasisVersionDto(r) }));
}

/** The current version of a legal basis the actor may cite; unknown or inactive → validation error on `field`. */
export async function currentVersion(db: Db, subdistrictId: string, legalBasisId: string, field = 'legalBasisId') {
  const row = await db
    .selectFrom('legal_bases as b')
    .innerJoin('legal_basis_versions as v', (j) => j.onRef('v.legal_basis_id', '=', 'b.id').onRef('v.version', '=', 'b.current_version'))
    .selectAll('v')
    .select(['b.code', 'b.active', 'b.subdistrict_id'])
    .where('b.id', '=', legalBasisId)
    .executeTakeFirst();
  if (!row || row.subdistrict_id !== subdistrictId || row.active !== 1) throw invalidField(field, 'unknown or inactive legal basis');
  return { code: row.code, ...legalBasisVersionDto(row) };
}

export async function getVersion(db: Db, versionId: string) {
  const v = await db.selectFrom('legal_basis_versions').selectAll().where('id', '=', versionId).executeTakeFirstOrThrow();
  return legalBasisVersionDto(v);
}

export async function createLegalBasis(db: Db, clock: Clock, actor: Actor, subdistrictId: string, raw: LegalBasisInput) {
  assertCan(actor, 'enforcement.admin');
  assertOwnsSubdistrict(actor, subdistrictId, 'Subdistrict');
  const input = parseInput(LegalBasisInput, raw);
  checkRanges(input);
  return inTransaction(db, async (trx) => {
    const dup = await trx.selectFrom('legal_bases').select('id').where('subdistrict_id', '=', subdistrictId).where('code', '=', input.code).executeTakeFirst();
    if (dup) throw new DomainError('duplicate', `Legal basis ${input.code} exists`, { fields: [{ field: 'code', reason: 'already taken' }] });
    const at = clock.now().toISOString();
    const id = newId();
    await trx.insertInto('legal_bases').values({ id, subdistrict_id: subdistrictId, code: input.code, current_version: 1, active: 1, created_at: at, updated_at: at }).execute();
    const v = await insertVersion(trx, clock, id, 1, input, actor.userId);
    return { id, code: input.code, ...legalBasisVersionDto(v) };
  });
}

/** Edits a legal basis by adding a new version; `version` must be the current one (else stale_version). */
export async function editLegalBasis(db: Db, clock: Clock, actor: Actor, id: string, raw: LegalBasisEdit) {
  assertCan(actor, 'enforcement.admin');
  const input = parseInput(LegalBasisEdit, raw);
  checkRanges(input);
  return inTransaction(db, async (trx) => {
    const basis = await trx.selectFrom('legal_bases').selectAll().where('id', '=', id).executeTakeFirst();
    if (!basis) throw notFound('Legal basis', id);
    assertOwnsSubdistrict(actor, basis.subdistrict_id, 'Legal basis');
    if (Number(basis.current_version) !== input.version) {
      throw new DomainError('stale_version', `Legal basis is at version ${basis.current_version}`, { current: Number(basis.current_version) });
    }
    const next = input.version + 1;
    const updated = await trx
      .updateTable('legal_bases')
      .set({ current_version: next, updated_at: clock.now().toISOString() })
      .where('id', '=', id)
      .where('current_version', '=', input.version)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) throw new DomainError('stale_version', 'Legal basis changed meanwhile');
    const v = await insertVersion(trx, clock, id, next, input, actor.userId);
    return { id, code: basis.code, ...legalBasisVersionDto(v) };
  });
}
