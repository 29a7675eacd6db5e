import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import type { DatabaseConfig } from '../config.js';

/** Advisory-lock key of "migrating or seeding" (any constant unique to closeloop). */
const STARTUP_LOCK_KEY = 730_105_016;
const LOCK_FILE_POLL_MS = 200;
/** Connections holding a start-up lock, referenced so that garbage collection cannot close one (and release the lock). */
const held = new Set<SQLite.Database>();

/**
 * Runs `fn` while holding the database's start-up lock: a PostgreSQL session advisory lock on its
 * own connection, or an exclusive SQLite transaction on a side file beside the SQLite file (one
 * holder per machine). Both are released by the operating system or the server when their holder
 * dies, however it dies (a lock file naming a process id would outlive a killed holder and, once
 * that id is reused after a restart, block every start). Two instances started together therefore
 * migrate and seed once: the second waits, then finds the work done.
 */
export async function withStartupLock<T>(db: DatabaseConfig, fn: () => Promise<T>): Promise<T> {
  if (db.kind === 'postgres') {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('select pg_advisory_lock($1)', [STARTUP_LOCK_KEY]);
      return await fn();
    } finally {
      await client.query('select pg_advisory_unlock($1)', [STARTUP_LOCK_KEY]).catch(() => {});
      await client.end().catch(() => {});
    }
  }
  if (db.file === ':memory:') return fn();
  const lock = await acquireLockDatabase(`${db.file}.startup-lock.db`);
  held.add(lock);
  try {
    return await fn();
  } finally {
    held.delete(lock);
    lock.close();
  }
}

/**
 * An open connection holding `BEGIN EXCLUSIVE` on `file` (an otherwise empty SQLite database): the
 * lock is the file lock SQLite takes, released on close or by the operating system when the process
 * dies. Polled without a busy timeout, which would block the event loop (and so a holder in this
 * same process).
 */
async function acquireLockDatabase(file: string): Promise<SQLite.Database> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const conn = new SQLite(file);
  try {
    conn.pragma('busy_timeout = 0');
    for (;;) {
      try {
        conn.exec('begin exclusive');
        return conn;
      } catch (err) {
        if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
      }
      await new Promise((r) => setTimeout(r, LOCK_FILE_POLL_MS));
    }
  } catch (err) {
    conn.close();
    throw err;
  }
}
