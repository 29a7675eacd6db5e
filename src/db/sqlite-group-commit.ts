import fs from 'node:fs';
import type SQLite from 'better-sqlite3';
import { authChanged, noteStatement } from './auth-writes.js';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  SelectQueryNode,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';

/**
 * SQLite driver with **group commit**, for Kysely.
 *
 * On SQLite the cost of a small write transaction is mostly its COMMIT (every dirty page is written
 * to the WAL). When many requests write at once, this driver runs each Kysely transaction as a
 * SAVEPOINT inside one physical `BEGIN IMMEDIATE … COMMIT` that is shared by the transactions that
 * queue up behind each other, and commits the group once the queue drains (or it holds
 * `maxGroup` transactions). Each transaction still:
 *  - runs alone and in order (one connection, one mutex — the same serial order as plain SQLite);
 *  - rolls back alone (ROLLBACK TO its savepoint leaves the others of the group untouched);
 *  - resolves only after the physical COMMIT succeeded; if the COMMIT fails (I/O error, disk full)
 *    every transaction of the group rejects with that error, and none of them is on disk.
 * A write outside a transaction also waits for the commit that makes it durable. A read outside a
 * transaction runs immediately and may see writes of the open group that are about to commit —
 * the order in which they will be on disk.
 *
 * **WAL sync off the event loop** (`syncWalFile`): with synchronous = FULL, SQLite fsyncs the WAL
 * inside COMMIT, and better-sqlite3 being synchronous, every request of the process waits for the
 * disk (about 5 ms a commit here). Given the WAL file, the connection runs synchronous = OFF (COMMIT
 * only writes the frames into the OS cache) and the driver `fdatasync`s the WAL on libuv's thread
 * pool after each COMMIT, settling the group's members only once that sync — started after their
 * COMMIT — has succeeded. Syncs coalesce: while one runs, the groups committed meanwhile wait for
 * the next. Acknowledged writes are on disk exactly as with FULL; what differs is that reads
 * may see a committed group a few milliseconds before it is durable (as they already see an open
 * group), and any write that depends on it is acknowledged only after a later sync, which covers
 * it too. Checkpoints run on their own connection (synchronous = FULL: the WAL is synced before
 * it is copied, the database after), and `destroy` turns FULL back on before the last checkpoint.
 * A failed sync rejects its members and every later commit: the disk can no longer be trusted.
 */
export interface GroupCommitOptions {
  /** Most transactions in one group before it is committed regardless of the queue (default 64). */
  maxGroup?: number;
  /** Prepared statements kept per connection, by SQL text (default 500). */
  statementCacheSize?: number;
  /** The database's `-wal` file: fdatasync it off the event loop after each COMMIT (see above). */
  syncWalFile?: string;
}

/**
 * Ends a write outside a transaction whose loss in a power cut harms nothing (a rate-limit counter):
 * it is answered at once instead of waiting for the commit and WAL sync that make it durable.
 * Append it with `.modifyEnd(sql.raw(NO_DURABILITY_WAIT))`; on PostgreSQL it is a comment.
 */
export const NO_DURABILITY_WAIT = '/* closeloop: no durability wait */';

interface Deferred {
  resolve: () => void;
  reject: (e: unknown) => void;
}

class Mutex {
  #promise?: Promise<void>;
  #resolve?: () => void;
  async lock() {
    while (this.#promise) await this.#promise;
    this.#promise = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }
  unlock() {
    const resolve = this.#resolve;
    this.#promise = undefined;
    this.#resolve = undefined;
    resolve?.();
  }
}

class GroupConnection implements DatabaseConnection {
  readonly #cache = new Map<string, SQLite.Statement>();
  /** The open transaction wrote something a cached session depends on (db/auth-writes.ts). */
  authDirty = false;
  constructor(
    readonly sqlite: SQLite.Database,
    private readonly cacheSize: number,
    private readonly onWrite: () => void,
  ) {}

  prepare(sql: string): SQLite.Statement {
    const hit = this.#cache.get(sql);
    if (hit && !hit.busy) return hit;
    const stmt = this.sqlite.prepare(sql);
    if (this.#cache.size >= this.cacheSize) this.#cache.delete(this.#cache.keys().next().value as string);
    this.#cache.set(sql, stmt);
    return stmt;
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const stmt = this.prepare(compiled.sql);
    const params = compiled.parameters as unknown[];
    const waits = !stmt.readonly && !compiled.sql.endsWith(NO_DURABILITY_WAIT);
    if (!stmt.readonly) this.authDirty = noteStatement(compiled.sql, this.authDirty);
    if (stmt.reader) {
      const rows = stmt.all(params) as R[];
      if (waits) this.onWrite(); // INSERT … RETURNING
      return { rows };
    }
    const { changes, lastInsertRowid } = stmt.run(params);
    if (waits) this.onWrite();
    return {
      numAffectedRows: changes !== undefined && changes !== null ? BigInt(changes) : undefined,
      insertId: lastInsertRowid !== undefined && lastInsertRowid !== null ? BigInt(lastInsertRowid) : undefined,
      rows: [],
    };
  }

  async *streamQuery<R>(compiled: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(compiled.query)) throw new Error('Sqlite driver only supports streaming of select queries');
    const stmt = this.sqlite.prepare(compiled.sql); // not cached: a streaming statement stays busy
    for (const row of stmt.iterate(compiled.parameters as unknown[])) yield { rows: [row as R] };
  }

  exec(sql: string) {
    this.prepare(sql).run();
  }
}

export class GroupCommitSqliteDriver implements Driver {
  readonly #mutex = new Mutex();
  readonly #maxGroup: number;
  readonly #connection: GroupConnection;
  /** A physical transaction is open and holds the members below. */
  #open = false;
  #members: Deferred[] = [];
  #flushScheduled = false;
  /** Set while the current holder of the connection must wait for the next COMMIT on release. */
  #holderWaits = false;
  /** Set while the holder made an autocommit write outside any group: it waits for the next WAL sync. */
  #autocommitWaits = false;
  #inLogical = false;
  readonly #walFile?: string;
  #walFd?: number;
  /** Members whose COMMIT is done, waiting for the next WAL sync; whether one runs; a failed one. */
  #unsynced: Deferred[] = [];
  #syncing?: Promise<void>;
  #syncError?: unknown;

  constructor(
    private readonly sqlite: SQLite.Database,
    opts: GroupCommitOptions = {},
  ) {
    this.#maxGroup = opts.maxGroup ?? 64;
    this.#walFile = opts.syncWalFile;
    this.#connection = new GroupConnection(sqlite, opts.statementCacheSize ?? 500, () => this.#onWrite());
  }

  async init() {}

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#mutex.lock();
    this.#holderWaits = false;
    this.#autocommitWaits = false;
    return this.#connection;
  }

  #onWrite() {
    if (this.#inLogical) return;
    // An autocommit write inside an open group becomes durable only with the group's COMMIT; one
    // outside any group committed by itself, and (synchronous = OFF) only the next WAL sync makes it durable.
    if (this.#open) this.#holderWaits = true;
    else if (this.#walFile) this.#autocommitWaits = true;
  }

  async beginTransaction(): Promise<void> {
    if (this.#open && this.#members.length >= this.#maxGroup) this.#commitGroup();
    if (!this.#open) {
      this.#connection.exec('begin immediate');
      this.#open = true;
    }
    this.#connection.exec('savepoint closeloop_tx');
    this.#inLogical = true;
  }

  async commitTransaction(): Promise<void> {
    this.#connection.exec('release closeloop_tx');
    this.#connection.authDirty = noteStatement('commit', this.#connection.authDirty);
    this.#inLogical = false;
    this.#holderWaits = true;
  }

  async rollbackTransaction(): Promise<void> {
    this.#inLogical = false;
    this.#connection.authDirty = noteStatement('rollback', this.#connection.authDirty);
    if (!this.sqlite.inTransaction) {
      // SQLite rolled the whole physical transaction back itself (I/O error, disk full, …):
      // the other members of the group are lost with it.
      this.#failGroup(new Error('SQLite rolled back the transaction group'));
      return;
    }
    this.#connection.exec('rollback to closeloop_tx');
    this.#connection.exec('release closeloop_tx');
  }

  async savepoint(connection: DatabaseConnection, name: string) {
    await connection.executeQuery(CompiledQuery.raw(`savepoint "${name}"`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string) {
    await connection.executeQuery(CompiledQuery.raw(`rollback to "${name}"`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string) {
    await connection.executeQuery(CompiledQuery.raw(`release "${name}"`));
  }

  async releaseConnection(): Promise<void> {
    if (this.#autocommitWaits) {
      this.#autocommitWaits = false;
      this.#holderWaits = false;
      const synced = new Promise<void>((resolve, reject) => this.#afterCommit([{ resolve, reject }]));
      this.#mutex.unlock();
      return synced;
    }
    if (!this.#holderWaits || !this.#open) {
      this.#holderWaits = false;
      // A transaction that rolled back leaves the group (and SQLite's write lock) open with nothing
      // to commit it: commit it as a member's release would (a no-op when a flush is scheduled).
      if (this.#open) this.#scheduleFlush();
      this.#mutex.unlock();
      return;
    }
    this.#holderWaits = false;
    const done = new Promise<void>((resolve, reject) => this.#members.push({ resolve, reject }));
    this.#scheduleFlush();
    this.#mutex.unlock();
    return done;
  }

  /** Commits once the transactions already queued for the connection have joined the group. */
  #scheduleFlush() {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      void this.#mutex.lock().then(() => {
        this.#flushScheduled = false;
        try {
          if (this.#open) this.#commitGroup();
        } finally {
          this.#mutex.unlock();
        }
      });
    });
  }

  /** COMMIT the open group (the caller holds the mutex) and settle its members. */
  #commitGroup() {
    const members = this.#members;
    this.#members = [];
    this.#open = false;
    try {
      this.#connection.exec('commit');
    } catch (e) {
      if (this.sqlite.inTransaction) this.sqlite.exec('rollback');
      // The group's writes are gone: a session read meanwhile may have seen one of them.
      authChanged();
      for (const m of members) m.reject(e);
      return;
    }
    if (this.#walFile) this.#afterCommit(members);
    else for (const m of members) m.resolve();
  }

  #afterCommit(members: Deferred[]) {
    // Nothing waits (a group left open by a rollback): no sync, and no loop that would end before
    // `#syncing` is set and then stand for one forever.
    if (!members.length) return;
    if (this.#syncError) {
      for (const m of members) m.reject(this.#syncError);
      return;
    }
    this.#unsynced.push(...members);
    this.#syncing ??= this.#syncLoop();
  }

  /** Syncs the WAL until no committed member waits; each round covers what was committed before it began. */
  async #syncLoop(): Promise<void> {
    while (this.#unsynced.length) {
      const batch = this.#unsynced;
      this.#unsynced = [];
      try {
        this.#walFd ??= fs.openSync(this.#walFile!, 'r');
        const fd = this.#walFd;
        await new Promise<void>((resolve, reject) => fs.fdatasync(fd, (e) => (e ? reject(e) : resolve())));
        for (const m of batch) m.resolve();
      } catch (e) {
        this.#syncError = e;
        for (const m of [...batch, ...this.#unsynced]) m.reject(e);
        this.#unsynced = [];
      }
    }
    this.#syncing = undefined;
  }

  #failGroup(e: unknown) {
    const members = this.#members;
    this.#members = [];
    this.#open = false;
    this.#holderWaits = false;
    authChanged();
    for (const m of members) m.reject(e);
  }

  async destroy(): Promise<void> {
    await this.#mutex.lock();
    try {
      if (this.#open) this.#commitGroup();
      await this.#syncing;
    } finally {
      // The last connection to close checkpoints the WAL into the database and deletes it: with FULL
      // that checkpoint syncs the database first.
      if (this.#walFile) this.sqlite.pragma('synchronous = FULL');
      if (this.#walFd !== undefined) fs.closeSync(this.#walFd);
      this.sqlite.close();
      this.#mutex.unlock();
    }
  }
}

export class GroupCommitSqliteDialect implements Dialect {
  constructor(
    private readonly sqlite: SQLite.Database,
    private readonly opts: GroupCommitOptions = {},
  ) {}
  createAdapter() {
    return new SqliteAdapter();
  }
  createDriver() {
    return new GroupCommitSqliteDriver(this.sqlite, this.opts);
  }
  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }
  // biome-ignore lint/suspicious/noExplicitAny: Kysely's introspector takes any database shape
  createIntrospector(db: Kysely<any>) {
    return new SqliteIntrospector(db);
  }
}
