import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import SQLite from 'better-sqlite3';
import type { DatabaseConfig } from '../config.js';

const run = promisify(execFile);

/** Name of the database image inside a backup folder, per engine. */
export const DB_IMAGE = { sqlite: 'closeloop.db', postgres: 'closeloop.pgdump' } as const;

/**
 * better-sqlite3 passes this to sqlite3_backup_step as the page count of every step after its
 * first (its own cap): the rest of the database is copied in one step.
 */
const ALL_REMAINING_PAGES = 0x7fffffff;

/**
 * A consistent copy of the live database into `file`:
 * - SQLite: the online backup API, in one step (see below); the copy is one committed state of
 *   the file, WAL included;
 * - PostgreSQL: `pg_dump --format=custom` (one snapshot transaction; restorable with pg_restore).
 */
export async function dumpDatabase(db: DatabaseConfig, file: string): Promise<void> {
  if (db.kind === 'sqlite') {
    const src = new SQLite(db.file, { readonly: true, fileMustExist: true });
    try {
      // By default better-sqlite3 copies 100 pages a step and yields between steps, and SQLite
      // restarts an online backup from page 1 whenever another connection writes to the source
      // between two steps. A running server writes every few hundred ms (job lease renewals), so
      // a database that takes longer than that to copy never finished. One step copies every page
      // under one read snapshot; in WAL mode the server's writes go on meanwhile (they are not in
      // the copy). Chosen over `VACUUM INTO`, which rebuilds every table and index (far slower on
      // a large database) instead of copying the pages as they are.
      await src.backup(file, { progress: () => ALL_REMAINING_PAGES });
    } finally {
      src.close();
    }
    return;
  }
  const args = ['--format=custom', '--no-owner', '--no-privileges', `--file=${file}`];
  if (db.schema) args.push(`--schema=${db.schema}`);
  await runPg('pg_dump', args, db.url);
}

/**
 * Restores a database image into the configured database, which must be empty (no closeloop
 * tables): a restore never merges into or overwrites live data.
 */
export async function restoreDatabase(db: DatabaseConfig, file: string): Promise<void> {
  if (db.kind === 'sqlite') {
    if (fs.existsSync(db.file) && fs.statSync(db.file).size > 0 && hasTables(db.file)) {
      throw new Error(`${db.file} already holds a database; restore into a new, empty location`);
    }
    const dir = path.dirname(db.file);
    fs.mkdirSync(dir, { recursive: true });
    for (const suffix of ['-wal', '-shm']) fs.rmSync(db.file + suffix, { force: true });
    // Through the backup API again, so the restored file is written page by page and fsynced;
    // into a scratch name renamed into place, so a failed restore leaves no half database behind
    // (the location stays empty and the restore can be run again).
    const partial = `${db.file}.restoring`;
    for (const suffix of ['', '-journal']) fs.rmSync(partial + suffix, { force: true });
    const src = new SQLite(file, { readonly: true, fileMustExist: true });
    try {
      await src.backup(partial);
      fs.renameSync(partial, db.file);
      fsyncDir(dir);
    } catch (err) {
      fs.rmSync(partial, { force: true });
      throw err;
    } finally {
      src.close();
    }
    return;
  }
  // pg_restore needs --dbname to restore into a database (without it, it prints a script): the
  // name only, as a conninfo string, so no password is on the command line (PG* variables carry it).
  const conn = pgEnv(db.url);
  const dbname = conn.PGDATABASE ?? conn.PGUSER ?? 'postgres';
  await runPg('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', `--dbname=dbname='${dbname.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`, file], db.url);
}

/** libpq's environment variables for the query parameters a DATABASE_URL may carry. */
const PG_QUERY_ENV: Record<string, string> = {
  sslmode: 'PGSSLMODE', sslrootcert: 'PGSSLROOTCERT', sslcert: 'PGSSLCERT', sslkey: 'PGSSLKEY',
  options: 'PGOPTIONS', application_name: 'PGAPPNAME', connect_timeout: 'PGCONNECT_TIMEOUT',
  host: 'PGHOST', port: 'PGPORT', user: 'PGUSER', password: 'PGPASSWORD', dbname: 'PGDATABASE',
};

/**
 * The connection of a postgres:// URL as libpq environment variables (PGHOST, PGPASSWORD, …), so
 * that the password never reaches a command line: argv is readable by every user of the machine
 * (`ps`), and execFile's error message repeats it.
 */
export function pgEnv(url: string): Record<string, string> {
  const u = new URL(url);
  const env: Record<string, string> = {};
  const dec = (v: string) => decodeURIComponent(v);
  if (u.hostname) env.PGHOST = dec(u.hostname).replace(/^\[(.*)\]$/, '$1');
  if (u.port) env.PGPORT = u.port;
  if (u.username) env.PGUSER = dec(u.username);
  if (u.password) env.PGPASSWORD = dec(u.password);
  const dbname = dec(u.pathname.replace(/^\//, ''));
  if (dbname) env.PGDATABASE = dbname;
  for (const [k, v] of u.searchParams) {
    const name = PG_QUERY_ENV[k];
    if (name) env[name] = v;
  }
  return env;
}

/** `postgres://user:secret@host` → `postgres://user:***@host`, wherever it appears in `text`. */
export function maskUrlPasswords(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)[^@\s]*@/gi, '$1***@');
}

/**
 * Runs pg_dump or pg_restore against `url` through the environment. On failure, rethrows with
 * the tool's own stderr only (not execFile's message, which holds the command line), any URL
 * password in it masked.
 */
async function runPg(tool: 'pg_dump' | 'pg_restore', args: string[], url: string): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // A PG* variable of the shell must not override (or add to) the configured connection.
  for (const k of Object.keys(env)) if (/^PG[A-Z_]+$/.test(k)) delete env[k];
  Object.assign(env, pgEnv(url));
  try {
    await run(tool, args, { env, maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    const detail = e.code === 'ENOENT' ? `${tool} not found on PATH (install the PostgreSQL client tools)` : (e.stderr ?? '').trim() || `exited with code ${String(e.code)}`;
    throw new Error(`${tool} failed: ${maskUrlPasswords(detail)}`);
  }
}

function hasTables(file: string): boolean {
  const db = new SQLite(file, { readonly: true });
  try {
    const row = db.prepare("select count(*) as n from sqlite_master where type = 'table' and name not like 'sqlite_%'").get() as { n: number };
    return row.n > 0;
  } finally {
    db.close();
  }
}

/** Makes a rename in `dir` durable. */
export function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
