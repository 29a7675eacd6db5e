import { createHash } from 'node:crypto';
import type { Db } from '../../db/index.js';
import type { FileStore } from './file-store.js';
import { originalKey } from './keys.js';

export interface MigrateReport {
  /** Objects the photo and document rows refer to. */
  objects: number;
  copied: number;
  alreadyThere: number;
  /** Objects the target already had with other bytes (an earlier copy cut off, a damaged disk), replaced by the verified source. */
  repaired: number;
  /** Objects whose bytes in the target hash to the expected SHA-256 (read back after copying). */
  verified: number;
  /** Keys the source does not have (nothing to copy; listed for the operator). */
  missing: string[];
  /** Keys whose bytes in the target do not match (a corrupt source or target object). */
  mismatched: string[];
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * Copies every file the photo and enforcement-document rows refer to from one store to another,
 * then reads each back from the target and checks its hash: an original or a document PDF must
 * hash to its row's SHA-256 (its name), a thumbnail to the hash of the source's bytes. A document
 * issued before PDFs moved to the file store has its bytes in its row: they are the source then.
 * Idempotent and resumable: run it again after an interruption or a failure of either store;
 * objects already in the target are verified, not copied again, and one whose bytes there are
 * wrong is replaced from the (verified) source. Nothing is deleted from the source; switch
 * STORAGE_BACKEND once the report is clean.
 */
export async function migrateFiles(db: Db, from: FileStore, to: FileStore, onProgress?: (done: number, total: number) => void): Promise<MigrateReport> {
  const rows = await db.selectFrom('photos').select(['sha256', 'storage_key', 'thumb_key']).distinct().execute();
  const wanted = new Map<string, string | null>(); // key → expected SHA-256 (null: derive from source)
  for (const r of rows) {
    wanted.set(r.storage_key, r.sha256);
    if (r.thumb_key) wanted.set(r.thumb_key, null);
  }
  const docs = await db
    .selectFrom('enforcement_documents')
    .select((eb) => ['pdf_sha256', eb.fn.max<number>(eb.case().when('pdf', 'is not', null).then(1).else(0).end()).as('in_row')])
    .groupBy('pdf_sha256')
    .execute();
  const inRow = new Set<string>(); // keys whose bytes a document row holds
  for (const d of docs) {
    const key = originalKey(d.pdf_sha256);
    wanted.set(key, d.pdf_sha256);
    if (Number(d.in_row)) inRow.add(key);
  }
  const fromRow = async (sha256: string) => {
    const r = await db.selectFrom('enforcement_documents').select('pdf').where('pdf_sha256', '=', sha256).where('pdf', 'is not', null).executeTakeFirst();
    return r?.pdf ? Buffer.from(r.pdf) : null;
  };
  const report: MigrateReport = { objects: wanted.size, copied: 0, alreadyThere: 0, repaired: 0, verified: 0, missing: [], mismatched: [] };
  let done = 0;
  for (const [key, expectedHash] of wanted) {
    const source = (await from.get(key)) ?? (inRow.has(key) ? await fromRow(expectedHash!) : null);
    if (!source) {
      report.missing.push(key);
    } else {
      const expected = expectedHash ?? sha(source);
      if (sha(source) !== expected) report.mismatched.push(key);
      else {
        let back: Buffer | null;
        if (await to.putOnce(key, source)) {
          report.copied++;
          back = await to.get(key);
        } else {
          back = await to.get(key);
          if (back && sha(back) === expected) report.alreadyThere++;
          else {
            await to.put(key, source);
            report.repaired++;
            back = await to.get(key);
          }
        }
        if (back && sha(back) === expected) report.verified++;
        else report.mismatched.push(key);
      }
    }
    onProgress?.(++done, wanted.size);
  }
  return report;
}
