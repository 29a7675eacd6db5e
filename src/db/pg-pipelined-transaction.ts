import { CompiledQuery, type DatabaseConnection, type Driver, PostgresDialect, PostgresDriver, type PostgresDialectConfig, type TransactionSettings } from 'kysely';

/**
 * A transaction's BEGIN without a round trip of its own on PostgreSQL.
 *
 * The pool's connections run in node-postgres's pipeline mode (a statement is written at once, its
 * answers read in order), and BEGIN is sent without waiting for its answer: the transaction's first
 * statement goes out right behind it, in the same write, and PostgreSQL answers both in one go.
 * Every case transition and report starts with a read, so each saves a round trip (about a seventh
 * of a transition's) in the server, in its backend and in the request's latency.
 *
 * BEGIN's answer is still checked before the first statement's result is used. Only a SELECT rides
 * behind an unanswered BEGIN: should BEGIN ever fail (the connection itself failing), what ran
 * behind it outside a transaction was a read. Any other first statement waits for BEGIN's answer,
 * as without pipelining. A transaction with an isolation level or access mode begins as before.
 */
const pendingBegin = new WeakMap<DatabaseConnection, Promise<unknown>>();
const wrapped = new WeakSet<DatabaseConnection>();
const READ = /^\s*select\b/i;

class PipelinedBeginDriver extends PostgresDriver {
  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection();
    if (!wrapped.has(connection)) {
      wrapped.add(connection);
      const execute = connection.executeQuery.bind(connection);
      connection.executeQuery = (async (query: CompiledQuery) => {
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
    await settle(connection);
    return super.commitTransaction(connection);
  }

  override async rollbackTransaction(connection: Parameters<PostgresDriver['rollbackTransaction']>[0]): Promise<void> {
    await settle(connection).catch(() => {});
    return super.rollbackTransaction(connection);
  }
}

/** A BEGIN no statement followed (an empty transaction): its answer, before COMMIT or ROLLBACK. */
async function settle(connection: DatabaseConnection) {
  const begun = pendingBegin.get(connection);
  if (!begun) return;
  pendingBegin.delete(connection);
  await begun;
}

/** Kysely's PostgreSQL dialect with pipelined BEGIN; the pool's clients must have `pipeline: true`. */
export class PipelinedBeginDialect extends PostgresDialect {
  readonly #config: PostgresDialectConfig;
  constructor(config: PostgresDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new PipelinedBeginDriver(this.#config);
  }
}
