import { createHash } from 'node:crypto';
import type { Db } from '../../db/index.js';
import type { FileStore } from './file-store.js';

export interface MigrateReport {
  /** Objects the photo rows refer to. */
  objects: number;
  copied: number;
  alreadyThere: number;
  /** Objects whose bytes in the target hash to the expected SHA-256 (read back after copying). */
  verified: number;
  /** Keys the source does not have (nothing to copy; listed for the operator). */
  missing: string[];
  /** Keys whose bytes in the target do not match (a corrupt source or target object). */
  mismatched: string[];
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * Copies every file the photo rows refer to from one store to another, then reads each back
 * from the target and checks its hash: an original must hash to its photo's SHA-256 (its name),
 * a thumbnail to the hash of the source's bytes. Idempotent: objects already in the target are
 * verified, not copied again. Nothing is deleted from the source; switch STORAGE_BACKEND once
 * the report is clean.
 */
export async function migrateFiles(db: Db, from: FileStore, to: FileStore, onProgress?: (done: number, total: number) => void): Promise<MigrateReport> {
  const rows = await db.selectFrom('photos').select(['sha256', 'storage_key', 'thumb_key']).distinct().execute();
  const wanted = new Map<string, string | null>(); // key → expected SHA-256 (null: derive from source)
  for (const r of rows) {
    wanted.set(r.storage_key, r.sha256);
    if (r.thumb_key) wanted.set(r.thumb_key, null);
  }
  const report: MigrateReport = { objects: wanted.size, copied: 0, alreadyThere: 0, verified: 0, missing: [], mismatched: [] };
  let done = 0;
  for (const [key, expectedHash] of wanted) {
    const source = await from.get(key);
    if (!source) {
      report.missing.push(key);
    } else {
      const expected = expectedHash ?? sha(source);
      if (sha(source) !== expected) report.mismatched.push(key);
      else {
        if (await to.putOnce(key, source)) report.copied++;
        else report.alreadyThere++;
        const back = await to.get(key);
        if (back && sha(back) === expected) report.verified++;
        else report.mismatched.push(key);
      }
    }
    onProgress?.(++done, wanted.size);
  }
  return report;
}
