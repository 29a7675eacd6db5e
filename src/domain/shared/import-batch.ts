import type { Db } from '../../db/index.js';
import { DomainError } from './errors.js';
import { importFailed, type RowError } from './xlsx.js';

export interface ImportOptions {
  /** Validate every row (including the database checks) and roll back. */
  dryRun?: boolean;
  onProgress?: (done: number, total: number) => void;
  /** Runs in the import's transaction once every row went in (not on a dry run), e.g. to audit it. */
  beforeCommit?: (trx: Db, imported: number) => Promise<unknown>;
}

export interface ImportResult {
  imported: number;
  dryRun: boolean;
}

/** Thrown inside the transaction to undo a dry run; never escapes runImportBatch. */
class DryRunRollback extends Error {}

/** Creates a batch of inputs, returning per input null (created) or the DomainError that kept it out. */
export type BatchCreate<T> = (trx: Db, inputs: T[], onProgress?: (done: number, total: number) => void) => Promise<(DomainError | null)[]>;

/** A batch creator from a one-at-a-time domain function (domain errors are collected, not thrown). */
export function oneByOne<T>(create: (trx: Db, input: T) => Promise<unknown>): BatchCreate<T> {
  return async (trx, inputs, onProgress) => {
    const out: (DomainError | null)[] = [];
    const every = Math.max(1, Math.floor(inputs.length / 100));
    for (const [i, input] of inputs.entries()) {
      try {
        await create(trx, input);
        out.push(null);
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        out.push(err);
      }
      if ((i + 1) % every === 0 || i + 1 === inputs.length) onProgress?.(i + 1, inputs.length);
    }
    return out;
  };
}

/**
 * All-or-nothing: every prepared row goes through the real domain function inside one
 * transaction, so the database checks (scope, grid, duplicates) run exactly as for the API.
 * Domain errors become row errors, so the report lists every bad row; then any error, or a
 * dry run, rolls the whole transaction back.
 */
export async function runImportBatch<T>(
  db: Db,
  items: { row: number; input: T }[],
  earlierErrors: RowError[],
  create: BatchCreate<T>,
  toRowError: (row: number, err: DomainError) => RowError,
  opts: ImportOptions,
): Promise<ImportResult> {
  const errors = [...earlierErrors];
  let imported = 0;
  try {
    await db.transaction().execute(async (trx) => {
      const outcomes = await create(trx, items.map((i) => i.input), opts.onProgress);
      outcomes.forEach((err, i) => {
        if (err) errors.push(toRowError(items[i]!.row, err));
        else imported++;
      });
      if (errors.length) throw importFailed(errors);
      if (opts.dryRun) throw new DryRunRollback();
      await opts.beforeCommit?.(trx, imported);
    });
  } catch (err) {
    if (!(err instanceof DryRunRollback)) throw err;
  }
  return { imported, dryRun: !!opts.dryRun };
}

/** The field a domain error names (`details.fields[0].field`), if any. */
export function errorField(err: DomainError): string | null {
  const fields = (err.details as { fields?: { field: string; reason: string }[] } | undefined)?.fields;
  return fields?.[0]?.field ?? null;
}

export function errorReason(err: DomainError): string {
  const fields = (err.details as { fields?: { field: string; reason: string }[] } | undefined)?.fields;
  return fields?.[0]?.reason ?? err.message;
}
