import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type { Db } from '../db/index.js';
import type { Database } from '../db/schema.js';
import { isConnectionError } from './error-handler.js';

/** After the replica failed to connect, reads go to the primary this long before it is tried again. */
export const REPLICA_RETRY_MS = 15_000;
/**
 * A replica that hands out no connection within this counts as down (the pool itself waits as
 * long as the operating system does for an unreachable host).
 */
export const REPLICA_CONNECT_TIMEOUT_MS = 2_000;

export interface ReplicaStatus {
  /** `replica`: reads go to the replica; `primary`: the replica failed, reads go to the primary. */
  readsFrom: 'replica' | 'primary';
  /** when the replica is tried again (readsFrom = primary) */
  retryAt: string | null;
}

/**
 * Reads for the streaming replica, falling back to the primary when the replica cannot be
 * reached: a connection that cannot be had from the replica (refused, timed out, the replica
 * starting up) is taken from the primary instead, within the same request, and for
 * {@link REPLICA_RETRY_MS} afterwards every read goes straight to the primary (a circuit breaker,
 * so requests do not each wait out a connect timeout). A replica connection lost in the middle of
 * a query fails that query (answered 503 database_unavailable) and opens the breaker.
 */
export class ReplicaReads {
  readonly db: Db;
  #downUntil = 0;
  #lastError: unknown = null;
  #logged = true;
  /**
   * Replica connections handed out and not yet returned. While one is, the replica is answering:
   * a read that waited out the timeout for another was queued behind a full pool (busy), not
   * refused by a replica that is down, and goes to the primary without tripping the breaker.
   */
  inUse = 0;

  constructor(
    readonly replica: Db,
    readonly primary: Db,
  ) {
    this.db = new Kysely<Database>({
      dialect: {
        createAdapter: () => new PostgresAdapter(),
        createDriver: () => new FallbackDriver(this),
        createIntrospector: (db) => new PostgresIntrospector(db),
        createQueryCompiler: () => new PostgresQueryCompiler(),
      },
    });
  }

  /** Whether reads try the replica now (the breaker is closed, or its pause is over). */
  get tryReplica(): boolean {
    return Date.now() >= this.#downUntil;
  }

  /** The replica failed: reads go to the primary for a while. */
  trip(err: unknown): void {
    this.#downUntil = Date.now() + REPLICA_RETRY_MS;
    if (this.#lastError === null) this.#logged = false;
    this.#lastError = err;
  }

  /** The replica answered again. */
  healthy(): void {
    this.#downUntil = 0;
    this.#lastError = null;
  }

  /** The failure that turned reads to the primary, once (for the server log, never for an unauthenticated answer). */
  unloggedFailure(): unknown {
    if (this.#logged || this.#lastError === null) return null;
    this.#logged = true;
    return this.#lastError;
  }

  status(): ReplicaStatus {
    return this.#lastError === null
      ? { readsFrom: 'replica', retryAt: null }
      : { readsFrom: 'primary', retryAt: new Date(Math.max(this.#downUntil, Date.now())).toISOString() };
  }
}

class ReplicaConnectTimeout extends Error {
  readonly code = 'ETIMEDOUT';
  constructor() {
    super(`no connection from the read replica within ${REPLICA_CONNECT_TIMEOUT_MS} ms`);
  }
}

interface Borrowed {
  connection: DatabaseConnection;
  release(): void;
}

/** A connection of `db`'s own pool, held until `release` (or handed straight back if it came after `timeoutMs`). */
function borrow(db: Db, timeoutMs: number | null): Promise<Borrowed> {
  return new Promise((resolve, reject) => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let settled = false;
    const timer =
      timeoutMs === null
        ? null
        : setTimeout(() => {
            settled = true;
            release();
            reject(new ReplicaConnectTimeout());
          }, timeoutMs);
    timer?.unref?.();
    db.getExecutor()
      .provideConnection(async (connection) => {
        if (timer) clearTimeout(timer);
        if (settled) return;
        settled = true;
        resolve({ connection, release });
        await released;
      })
      .catch((err: unknown) => {
        if (timer) clearTimeout(timer);
        if (settled) return;
        settled = true;
        reject(err);
      });
  });
}

class RoutedConnection implements DatabaseConnection {
  constructor(
    readonly borrowed: Borrowed,
    private readonly reads: ReplicaReads,
    readonly onReplica: boolean,
  ) {}

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    try {
      return await this.borrowed.connection.executeQuery<R>(compiledQuery);
    } catch (err) {
      if (this.onReplica && isConnectionError(err)) this.reads.trip(err);
      throw err;
    }
  }

  streamQuery<R>(compiledQuery: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.borrowed.connection.streamQuery<R>(compiledQuery, chunkSize);
  }
}

class FallbackDriver implements Driver {
  constructor(private readonly reads: ReplicaReads) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.reads.tryReplica) {
      try {
        const borrowed = await borrow(this.reads.replica, REPLICA_CONNECT_TIMEOUT_MS);
        this.reads.healthy();
        this.reads.inUse++;
        return new RoutedConnection(borrowed, this.reads, true);
      } catch (err) {
        // No query ran: the read may go to the primary instead. Only a replica that cannot be
        // reached trips the breaker; one whose pool is merely full (busy) keeps taking reads.
        if (!(err instanceof ReplicaConnectTimeout && this.reads.inUse > 0)) this.reads.trip(err);
      }
    }
    return new RoutedConnection(await borrow(this.reads.primary, null), this.reads, false);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    let sql = 'begin';
    if (settings.isolationLevel || settings.accessMode) {
      sql = 'start transaction';
      if (settings.isolationLevel) sql += ` isolation level ${settings.isolationLevel}`;
      if (settings.accessMode) sql += ` ${settings.accessMode}`;
    }
    await connection.executeQuery(CompiledQuery.raw(sql));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const routed = connection as RoutedConnection;
    routed.borrowed.release();
    if (routed.onReplica) this.reads.inUse--;
  }

  /** The replica's and the primary's pools belong to their handles, which close them. */
  async destroy(): Promise<void> {}
}
