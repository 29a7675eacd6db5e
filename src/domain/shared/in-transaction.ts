import type { Db } from '../../db/index.js';

/**
 * Runs `work` in a transaction — the caller's when `db` already is one (e.g. the route's
 * Idempotency-Key transaction, so the key and the result commit together), else a new one.
 */
export function inTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}
