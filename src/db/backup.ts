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
 * A consistent copy of the live database into `file`:
 * - SQLite: the online backup API (pages copied while the server keeps writing; the copy is one
 *   committed state of the file, WAL included);
 * - PostgreSQL: `pg_dump --format=custom` (one snapshot transaction; restorable with pg_restore).
 */
export async function dumpDatabase(db: DatabaseConfig, file: string): Promise<void> {
  if (db.kind === 'sqlite') {
    const src = new SQLite(db.file, { readonly: true, fileMustExist: true });
    try {
      await src.backup(file);
    } finally {
      src.close();
    }
    return;
  }
  const args = ['--format=custom', '--no-owner', '--no-privileges', `--file=${file}`];
  if (db.schema) args.push(`--schema=${db.schema}`);
  await run('pg_dump', [...args, db.url], { maxBuffer: 16 * 1024 * 1024 });
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
    fs.mkdirSync(path.dirname(db.file), { recursive: true });
    for (const suffix of ['-wal', '-shm']) fs.rmSync(db.file + suffix, { force: true });
    // Through the backup API again, so the restored file is written page by page and fsynced.
    const src = new SQLite(file, { readonly: true, fileMustExist: true });
    try {
      await src.backup(db.file);
    } finally {
      src.close();
    }
    return;
  }
  await run('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', `--dbname=${db.url}`, file], { maxBuffer: 16 * 1024 * 1024 });
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
