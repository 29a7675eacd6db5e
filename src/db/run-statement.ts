import { CompiledQuery, type QueryResult } from 'kysely';
import type pg from 'pg';
import type { Db } from './index.js';

/**
 * The pool of each PostgreSQL database handle's own Kysely instance (createDatabase), so that a
 * hot-path statement run on it outside a transaction can take a pooled connection directly.
 * Transactions, single connections (`db.connection()`) and other Kysely instances (the replica
 * reader, `withPlugin`) are other objects: they are not here and keep Kysely's executor.
 */
const pools = new WeakMap<Db, pg.Pool>();

export function registerPool(db: Db, pool: pg.Pool): void {
  pools.set(db, pool);
}

/**
 * Runs one statement and answers as `db.executeQuery(CompiledQuery.raw(sql, parameters))` does:
 * the rows, and the rows affected by an INSERT, UPDATE, DELETE or MERGE. On a pooled PostgreSQL
 * handle outside a transaction it takes a connection from the pool, runs the statement on it and
 * gives it back, as Kysely's executor does, without the executor's layers of promises around
 * them (a connection provider, the runtime and pg drivers, the result plugins: about 4 µs of CPU
 * a statement under the case loop's concurrency, a statement costing 20 µs all told).
 */
export async function runStatement<R>(db: Db, sql: string, parameters: readonly unknown[]): Promise<QueryResult<R>> {
  const pool = pools.get(db);
  // A pool being ended belongs to a destroyed handle: Kysely answers that as it does.
  if (!pool || pool.ending) return db.executeQuery<R>(CompiledQuery.raw(sql, parameters as unknown[]));
  const client = await pool.connect();
  let result: pg.QueryResult;
  try {
    result = await client.query(sql, parameters as unknown[]);
  } finally {
    client.release();
  }
  const { command, rowCount, rows } = result;
  // As Kysely's PostgresConnection reads pg's result.
  if (command === 'ROLLBACK' || command === 'COMMIT') return { rows: [{ command }] as R[] };
  return {
    numAffectedRows: command === 'INSERT' || command === 'UPDATE' || command === 'DELETE' || command === 'MERGE' ? BigInt(rowCount as number) : undefined,
    rows: (rows ?? []) as R[],
  };
}
