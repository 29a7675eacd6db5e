import type { Db } from '../../db/index.js';
import { DomainError } from './errors.js';
import { importFailed, type RowError } from './xlsx.js';

export interface ImportOptions {
  /** Validate every row (including the database checks) and roll back. */
  dryRun?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface ImportResult {
  imported: number;
  dryRun: boolean;
}

/** Thrown inside the transaction to undo a dry run; never escapes runImportBatch. */
class DryRunRollback extends Error {}

/**
 * All-or-nothing: every prepared row goes through the real domain function inside one
 * transaction, so the database checks (scope, grid, duplicates) run exactly as for the API.
 * Domain errors become row errors and the loop goes on, so the report lists every bad row;
 * then any error, or a dry run, rolls the whole transaction back.
 */
export async function runImportBatch<T>(
  db: Db,
  items: { row: number; input: T }[],
  earlierErrors: RowError[],
  create: (trx: Db, input: T) => Promise<unknown>,
  toRowError: (row: number, err: DomainError) => RowError,
  opts: ImportOptions,
): Promise<ImportResult> {
  const errors = [...earlierErrors];
  let imported = 0;
  const progressEvery = Math.max(1, Math.floor(items.length / 100));
  try {
    await db.transaction().execute(async (trx) => {
      for (const [i, item] of items.entries()) {
        try {
          await create(trx, item.input);
          imported++;
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          errors.push(toRowError(item.row, err));
        }
        if ((i + 1) % progressEvery === 0 || i + 1 === items.length) opts.onProgress?.(i + 1, items.length);
      }
      if (errors.length) throw importFailed(errors);
      if (opts.dryRun) throw new DryRunRollback();
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
