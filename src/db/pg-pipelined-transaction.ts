import {
  AbortedTransactionError,
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  PostgresDialect,
  type PostgresDialectConfig,
  PostgresDriver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type { Db } from './index.js';

/**
 * A transaction's BEGIN and COMMIT without round trips of their own on PostgreSQL.
 *
 * The pool's connections run in node-postgres's pipeline mode (a statement is written at once, its
 * answers read in order). Two round trips of every short transaction go:
 *
 * **BEGIN** is sent without waiting for its answer: the transaction's first statement goes out right
 * behind it, in the same write, and PostgreSQL answers both in one go. BEGIN's answer is still
 * checked before the first statement's result is used. Only a SELECT rides behind an unanswered
 * BEGIN: should BEGIN ever fail (the connection itself failing), what ran behind it outside a
 * transaction was a read. Any other first statement waits for BEGIN's answer, as without
 * pipelining. A transaction with an isolation level or access mode begins as before.
 *
 * **COMMIT** goes out right behind the transaction's last statement when two sides agree that it is
 * the last: the code that owns the transaction (`transactionCommittingWithLast`) and the code that
 * writes the statement (which ends its SQL with `COMMITS_TRANSACTION`, only if `mayCommitWithLast`
 * says the owner agreed). The transaction's lock on what that statement wrote (a case's chain head)
 * is then held for the statement and the commit, not for a round trip to the server and back in
 * between. The statement must fail, not merely write nothing, when its work cannot be done: COMMIT
 * then answers ROLLBACK and nothing of the transaction stays. Any statement sent after it in the
 * same transaction is refused before it reaches the server. The answer of the COMMIT is awaited
 * where Kysely commits, so a write is acknowledged only once it is committed.
 */
export const COMMITS_TRANSACTION = ' /* closeloop: commits the transaction */';

const pendingBegin = new WeakMap<DatabaseConnection, Promise<unknown>>();
const pendingCommit = new WeakMap<DatabaseConnection, Promise<QueryResult<unknown>>>();
const wrapped = new WeakSet<DatabaseConnection>();
const READ = /^\s*select\b/i;

async function afterBegin(connection: DatabaseConnection, execute: (q: CompiledQuery) => Promise<QueryResult<unknown>>, query: CompiledQuery) {
  const begun = pendingBegin.get(connection);
  if (!begun) return execute(query);
  pendingBegin.delete(connection);
  if (!READ.test(query.sql)) {
    await begun;
    return execute(query);
  }
  const result = execute(query);
  try {
    await begun;
  } catch (e) {
    result.catch(() => {});
    throw e;
  }
  return result;
}

class PipelinedTransactionDriver extends PostgresDriver {
  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection();
    if (!wrapped.has(connection)) {
      wrapped.add(connection);
      const execute = connection.executeQuery.bind(connection) as (q: CompiledQuery) => Promise<QueryResult<unknown>>;
      connection.executeQuery = (async (query: CompiledQuery) => {
        if (pendingCommit.has(connection)) {
          throw new Error('A statement after the one that commits its transaction was refused (it would run outside the transaction)');
        }
        if (!query.sql.endsWith(COMMITS_TRANSACTION)) return afterBegin(connection, execute, query);
        // A committing statement writes: it waits for BEGIN's answer like any first write.
        await settleBegin(connection);
        // The statement, then COMMIT right behind it (pipeline mode: in this order, no round trip between).
        const result = execute(query);
        const committed = execute(CompiledQuery.raw('commit'));
        committed.catch(() => {});
        pendingCommit.set(connection, committed);
        return result;
      }) as DatabaseConnection['executeQuery'];
    }
    return connection;
  }

  override async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    if (settings.isolationLevel || settings.accessMode) return super.beginTransaction(connection, settings);
    const begun = connection.executeQuery(CompiledQuery.raw('begin'));
    // Observed by the transaction's first statement (or its commit or rollback), never unhandled.
    begun.catch(() => {});
    pendingBegin.set(connection, begun);
  }

  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const committed = pendingCommit.get(connection);
    if (committed) {
      pendingCommit.delete(connection);
      // PostgreSQL answers COMMIT with ROLLBACK when a statement of the transaction failed.
      const { rows } = await committed;
      if ((rows[0] as { command?: string } | undefined)?.command === 'ROLLBACK') throw new AbortedTransactionError();
      return;
    }
    await settleBegin(connection);
    return super.commitTransaction(connection);
  }

  override async rollbackTransaction(connection: Parameters<PostgresDriver['rollbackTransaction']>[0]): Promise<void> {
    const committed = pendingCommit.get(connection);
    if (committed) {
      // COMMIT is already on its way: it ends the transaction (answering ROLLBACK if a statement failed).
      pendingCommit.delete(connection);
      await committed.catch(() => {});
      return;
    }
    await settleBegin(connection).catch(() => {});
    return super.rollbackTransaction(connection);
  }
}

/** A BEGIN no statement followed (an empty transaction): its answer, before COMMIT or ROLLBACK. */
async function settleBegin(connection: DatabaseConnection) {
  const begun = pendingBegin.get(connection);
  if (!begun) return;
  pendingBegin.delete(connection);
  await begun;
}

/** Kysely's PostgreSQL dialect with pipelined BEGIN and COMMIT; the pool's clients must have `pipeline: true`. */
export class PipelinedTransactionDialect extends PostgresDialect {
  readonly #config: PostgresDialectConfig;
  constructor(config: PostgresDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new PipelinedTransactionDriver(this.#config);
  }
}

const committingWithLast = new WeakSet<Db>();

/**
 * Runs `work` in a new transaction whose last statement may carry the COMMIT: the owner's side of
 * the agreement above. Use it only where nothing follows `work` in the transaction.
 */
export function transactionCommittingWithLast<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  return db.transaction().execute((trx) => {
    committingWithLast.add(trx);
    return work(trx);
  });
}

/** Whether the transaction's owner lets its last statement commit it (then end the SQL with COMMITS_TRANSACTION). */
export const mayCommitWithLast = (trx: Db): boolean => committingWithLast.has(trx);
