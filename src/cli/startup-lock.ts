import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { DatabaseConfig } from '../config.js';

/** Advisory-lock key of "migrating or seeding" (any constant unique to closeloop). */
const STARTUP_LOCK_KEY = 730_105_016;
const LOCK_FILE_POLL_MS = 200;

/**
 * Runs `fn` while holding the database's start-up lock: a PostgreSQL session advisory lock on its
 * own connection, or a lock file beside the SQLite file (one holder per machine; a holder that died
 * is detected by its process id). Two instances started together therefore migrate and seed once:
 * the second waits, then finds the work done.
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
  const lockFile = `${db.file}.startup-lock`;
  await acquireLockFile(lockFile);
  try {
    return await fn();
  } finally {
    fs.rmSync(lockFile, { force: true });
  }
}

async function acquireLockFile(file: string): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  for (;;) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number.parseInt(fs.readFileSync(file, 'utf8') || '0', 10);
    if (!holder || !alive(holder)) {
      fs.rmSync(file, { force: true });
      continue;
    }
    await new Promise((r) => setTimeout(r, LOCK_FILE_POLL_MS));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
