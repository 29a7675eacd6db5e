import type { Db } from '../../db/index.js';
import type { Clock } from '../shared/clock.js';
import type { FileStore } from './file-store.js';
import { expectedSha256 } from './keys.js';

/**
 * How long a file no row refers to is left alone. An upload writes its files before its row
 * (src/domain/photos/upload.ts) and a document its PDF before its row: until that transaction
 * commits the file looks orphaned. A day is far beyond any upload or transaction.
 */
export const ORPHAN_FILE_GRACE_MS = 24 * 3600_000;
/** Keys checked against the database per round trip. */
export const ORPHAN_SWEEP_BATCH = 500;

export interface OrphanSweepResult {
  /** Stored objects looked at. */
  examined: number;
  /** Objects deleted: older than the grace period, and no photo or document row has their content. */
  deleted: number;
}

/** The content hash a key stores: an original is named by it, a thumbnail by its original's. */
const contentOf = (key: string) => expectedSha256(key) ?? expectedSha256(key.replace(/\.thumb\.jpg$/, ''))!;

/**
 * Deletes files in the store that no row refers to (an upload whose transaction rolled back
 * after its files were written, a process that died between the two), once they are older than
 * `graceMs`. A file is kept while any photo row or enforcement document has its content (the
 * keys are content-addressed). Just before deleting, the file's age is read again: putOnce
 * renews the age of a file an upload finds already there, so an upload in flight that reuses an
 * old orphan's bytes is not left with a row whose file was swept.
 */
export async function sweepOrphanFiles(
  db: Db,
  clock: Clock,
  files: FileStore,
  o: { graceMs?: number; batchSize?: number } = {},
): Promise<OrphanSweepResult> {
  const graceMs = o.graceMs ?? ORPHAN_FILE_GRACE_MS;
  const size = o.batchSize ?? ORPHAN_SWEEP_BATCH;
  const cutoff = clock.now().getTime() - graceMs;
  const result: OrphanSweepResult = { examined: 0, deleted: 0 };
  let batch: string[] = [];
  const flush = async () => {
    if (!batch.length) return;
    const keys = batch;
    batch = [];
    const shas = [...new Set(keys.map(contentOf))];
    const kept = new Set((await db.selectFrom('photos').select('sha256').distinct().where('sha256', 'in', shas).execute()).map((r) => r.sha256));
    for (const r of await db.selectFrom('enforcement_documents').select('pdf_sha256').distinct().where('pdf_sha256', 'in', shas).execute()) kept.add(r.pdf_sha256);
    for (const key of keys) {
      if (kept.has(contentOf(key))) continue;
      const now = await files.stat(key);
      if (!now || now.modifiedAt.getTime() >= cutoff) continue;
      await files.delete(key);
      result.deleted++;
    }
  };
  for await (const e of files.entries()) {
    result.examined++;
    if (e.modifiedAt.getTime() >= cutoff) continue;
    batch.push(e.key);
    if (batch.length >= size) await flush();
  }
  await flush();
  return result;
}
