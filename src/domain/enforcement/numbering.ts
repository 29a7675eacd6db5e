import { z } from 'zod';
import { type Db, isPostgres } from '../../db/index.js';
import type { EnforcementDocKind } from '../../db/schema.js';

/**
 * Document numbers: `{office}责改字〔{year}〕第{seq4}号`. Placeholders: {office} {year} {seq}
 * (plain) and {seq4} (zero-padded to 4). The sequence is gap-free per office (subdistrict), kind
 * and year: the counter row is bumped inside the transaction that issues the document, so a
 * request that fails afterwards rolls the number back with everything else.
 */
export const DEFAULT_PATTERNS: Record<EnforcementDocKind, string> = {
  order: '{office}责改字〔{year}〕第{seq4}号',
  notice: '{office}责改告字〔{year}〕第{seq4}号',
  prior_notice: '{office}罚告字〔{year}〕第{seq4}号',
  decision: '{office}罚决字〔{year}〕第{seq4}号',
};

export const Pattern = z
  .string()
  .trim()
  .min(1)
  .max(80)
  .refine((p) => p.includes('{seq}') || p.includes('{seq4}'), 'must contain {seq} or {seq4}')
  .refine((p) => p.includes('{year}'), 'must contain {year}');
/**
 * Each kind counts its own numbers, so two kinds with one pattern would give two documents the
 * same number: the patterns (with the prior notice's default when it is not given) must differ.
 */
export const Patterns = z
  .strictObject({ order: Pattern, notice: Pattern, prior_notice: Pattern.optional(), decision: Pattern })
  .superRefine((p, ctx) => {
    const seen = new Map<string, string>();
    for (const [kind, pattern] of Object.entries({ ...p, prior_notice: p.prior_notice ?? DEFAULT_PATTERNS.prior_notice })) {
      const key = pattern.replaceAll('{seq4}', '{seq}');
      const other = seen.get(key);
      if (other) ctx.addIssue({ code: 'custom', path: [kind], message: 'must differ from the pattern of another kind of document' });
      else seen.set(key, kind);
    }
  });

export function formatNumber(pattern: string, office: string, year: number, seq: number): string {
  return pattern
    .replaceAll('{office}', office)
    .replaceAll('{year}', String(year))
    .replaceAll('{seq4}', String(seq).padStart(4, '0'))
    .replaceAll('{seq}', String(seq));
}


/**
 * Takes the next number. On PostgreSQL the UPDATE locks the counter row until the transaction
 * ends, so concurrent issuers queue; SQLite has one writer at a time. Must run in a transaction.
 */
export async function takeNextSeq(trx: Db, subdistrictId: string, kind: EnforcementDocKind, year: number): Promise<number> {
  await trx
    .insertInto('enforcement_document_counters')
    .values({ subdistrict_id: subdistrictId, kind, year, last: 0 })
    .onConflict((oc) => oc.columns(['subdistrict_id', 'kind', 'year']).doNothing())
    .execute();
  const q = trx
    .updateTable('enforcement_document_counters')
    .set((eb) => ({ last: eb('last', '+', 1) }))
    .where('subdistrict_id', '=', subdistrictId)
    .where('kind', '=', kind)
    .where('year', '=', year);
  const row = isPostgres(trx) ? await q.returning('last').executeTakeFirstOrThrow() : await (async () => {
    await q.execute();
    return trx.selectFrom('enforcement_document_counters').select('last').where('subdistrict_id', '=', subdistrictId).where('kind', '=', kind).where('year', '=', year).executeTakeFirstOrThrow();
  })();
  return Number(row.last);
}
