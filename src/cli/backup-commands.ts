import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import pc from 'picocolors';
import { readConfig } from '../config.js';
import { DB_IMAGE, dumpDatabase, fsyncDir, restoreDatabase } from '../db/backup.js';
import { createDatabase } from '../db/index.js';
import { sql } from 'kysely';
import { type ChainsReport, verifyAllChains } from '../domain/audit/verify-all.js';
import { createFileStore, type FileStore } from '../domain/storage/index.js';
import { expectedSha256 } from '../domain/storage/keys.js';
import { openContext } from './context.js';
import { StorageUnavailableError } from '../domain/storage/errors.js';

export const MANIFEST = 'manifest.json';
const FORMAT = 1;

export interface BackupManifest {
  format: number;
  engine: 'sqlite' | 'postgres';
  createdAt: string;
  database: { file: string; sha256: string; bytes: number };
  /**
   * `sha256`: the SHA-256 of every file whose key is not its own hash (thumbnails), by key; an
   * original's key is its SHA-256. Absent from older backups (their thumbnails are then checked by
   * count and size only).
   */
  files: { folder: string; count: number; bytes: number; sha256?: Record<string, string> };
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Streamed: a database image can be tens of GB, beyond any single Buffer. */
async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .filter((f) => !path.relative(dir, f).split(path.sep).includes('tmp'));
}

/** Every object of the file store (local folder or S3 bucket) into a folder of the backup. */
async function saveFiles(store: FileStore, to: string): Promise<{ count: number; bytes: number; sha256: Record<string, string> }> {
  let count = 0;
  let bytes = 0;
  const hashes: Record<string, string> = {};
  for await (const key of store.list()) {
    const dest = path.resolve(to, key);
    if (!dest.startsWith(path.resolve(to) + path.sep)) throw new Error(`Unsafe storage key ${key}`);
    const body = await store.get(key);
    if (!body) continue;
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(dest, body);
    if (!expectedSha256(key)) hashes[key] = sha256(body);
    count++;
    bytes += body.length;
  }
  return { count, bytes, sha256: hashes };
}

const keyOf = (from: string, f: string) => path.relative(from, f).split(path.sep).join('/');

/**
 * Every file of the backup (under `from`) against its SHA-256: an original's key, or the manifest's
 * record (thumbnails). Throws naming the first file that does not match, before anything is written.
 */
function verifyFiles(from: string, files: string[], recorded: Record<string, string> | undefined): void {
  for (const f of files) {
    const key = keyOf(from, f);
    const expected = expectedSha256(key) ?? recorded?.[key];
    if (!expected) {
      if (recorded) throw new Error(`${f} is not listed in the manifest: the backup is damaged`);
      continue;
    }
    if (sha256(fs.readFileSync(f)) !== expected) throw new Error(`${f} does not match its SHA-256: the backup is damaged`);
  }
}

/** The backup's files (under `from`) back into the configured file store (objects already there are kept). */
async function loadFiles(store: FileStore, from: string, files: string[]): Promise<void> {
  for (const f of files) await store.putOnce(keyOf(from, f), fs.readFileSync(f));
}

/**
 * `closeloop backup <folder>`: a consistent database image (SQLite online backup, or pg_dump) and
 * the evidence files (every object of the file store: local folder or S3 bucket) into a new folder, with a manifest holding
 * the image's SHA-256. The server may keep running.
 */
export async function backup(folder: string): Promise<BackupManifest> {
  const config = readConfig();
  const dest = path.resolve(folder);
  if (fs.existsSync(dest) && fs.readdirSync(dest).length) throw new Error(`${folder} is not empty; back up into a new folder`);
  if (config.database.kind === 'sqlite' && !fs.existsSync(config.database.file)) {
    throw new Error(`No database at ${config.database.file}: nothing to back up (check DATABASE_URL / DATA_DIR)`);
  }
  // Written into <folder>.partial and renamed into place once whole: a failed backup (full disk,
  // pg_dump error, storage outage) leaves no half folder that blocks the retry or passes for a backup.
  const work = `${dest}.partial`;
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  try {
    const manifest = await writeBackup(config, work);
    if (fs.existsSync(dest)) fs.rmdirSync(dest);
    fs.renameSync(work, dest);
    fsyncDir(path.dirname(dest));
    return manifest;
  } catch (err) {
    fs.rmSync(work, { recursive: true, force: true });
    throw err;
  }
}


async function writeBackup(config: ReturnType<typeof readConfig>, folder: string): Promise<BackupManifest> {
  const image = path.join(folder, DB_IMAGE[config.database.kind]);
  await dumpDatabase(config.database, image);
  const store = createFileStore(config.storage);
  let files: { count: number; bytes: number };
  try {
    files = await saveFiles(store, path.join(folder, 'files'));
  } finally {
    await store.close();
  }
  const manifest: BackupManifest = {
    format: FORMAT,
    engine: config.database.kind,
    createdAt: new Date().toISOString(),
    database: { file: path.basename(image), sha256: await sha256File(image), bytes: fs.statSync(image).size },
    files: { folder: 'files', ...files },
  };
  // Written last and atomically (a temporary file synced, then renamed): a manifest is there only
  // for a whole backup, never half-written by a crash.
  const target = path.join(folder, MANIFEST);
  const tmp = `${target}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, `${JSON.stringify(manifest, null, 2)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, target);
  return manifest;
}

async function isEmpty(): Promise<boolean> {
  const config = readConfig();
  if (config.database.kind === 'sqlite' && !fs.existsSync(config.database.file)) return true;
  const h = createDatabase(config.database);
  try {
    const q = h.kind === 'sqlite'
      ? sql<{ n: number }>`select count(*) as n from sqlite_master where type = 'table' and name not like 'sqlite_%'`
      : sql<{ n: number }>`select count(*) as n from information_schema.tables where table_schema = current_schema()`;
    return Number((await q.execute(h.db)).rows[0]?.n ?? 0) === 0;
  } finally {
    await h.destroy();
  }
}

/**
 * `closeloop restore <folder>`: checks the image and every file (its SHA-256) against the manifest, puts the
 * files back, restores the image into the configured (empty) database, applies any newer
 * migrations, then verifies every hash chain on the restored copy.
 *
 * Files before the database: a file store can fail half-way (bad mount, full disk, S3 error), and
 * putting files back is idempotent (content-addressed, objects already there are kept), so a
 * failure there leaves the database empty and the same restore can simply be run again. Restored
 * first, the database would be left non-empty and a second restore refused.
 */
export async function restore(folder: string): Promise<ChainsReport> {
  const config = readConfig();
  if (!fs.existsSync(folder)) throw new Error(`No backup at ${folder}: no such folder`);
  // The manifest is written last: without it the backup never finished (or is not one).
  if (!fs.existsSync(path.join(folder, MANIFEST))) throw new Error(`${folder} is an incomplete backup: it has no ${MANIFEST} (the backup did not finish); restore from another`);
  const manifest = JSON.parse(fs.readFileSync(path.join(folder, MANIFEST), 'utf8')) as BackupManifest;
  if (manifest.format !== FORMAT) throw new Error(`Unknown backup format ${manifest.format}`);
  if (manifest.engine !== config.database.kind) throw new Error(`This backup is of a ${manifest.engine} database; DATABASE_URL points at ${config.database.kind}`);
  const image = path.join(folder, manifest.database.file);
  if ((await sha256File(image)) !== manifest.database.sha256) throw new Error(`${image} does not match the manifest's SHA-256: the backup is damaged`);
  const filesDir = path.join(folder, manifest.files.folder);
  const found = walk(filesDir);
  const foundBytes = found.reduce((n, f) => n + fs.statSync(f).size, 0);
  if (found.length !== manifest.files.count || foundBytes !== manifest.files.bytes) {
    throw new Error(`${filesDir} holds ${found.length} files (${foundBytes} bytes), the manifest lists ${manifest.files.count} (${manifest.files.bytes} bytes): the backup is incomplete`);
  }
  verifyFiles(filesDir, found, manifest.files.sha256);
  if (!(await isEmpty())) throw new Error('The configured database is not empty; restore into a new database');
  const store = createFileStore(config.storage);
  try {
    await loadFiles(store, filesDir, found);
  } catch (err) {
    // The operator needs the store's own reason (a path that is not a folder, a missing bucket),
    // not only the client-facing "unavailable"; nothing is in the database yet.
    if (!(err instanceof StorageUnavailableError)) throw err;
    const cause = err.cause as { code?: string; message?: string } | undefined;
    throw new Error(`${err.message}: ${cause?.message ?? String(cause)}; nothing was restored into the database, run the same restore again once the file store works`, { cause: err });
  } finally {
    await store.close();
  }
  await restoreDatabase(config.database, image);
  const ctx = await openContext();
  try {
    return await verifyAllChains(ctx.handle.db);
  } finally {
    await ctx.destroy();
  }
}

export function registerBackupCommands(program: Command) {
  program
    .command('backup')
    .description('Back up the database (SQLite online backup or pg_dump) and the evidence files into a new folder')
    .argument('<folder>', 'a new or empty folder')
    .action(async (folder: string) => {
      const m = await backup(folder);
      console.log(`${pc.green('✓')} ${m.engine} database ${m.database.file} (${m.database.bytes} bytes, sha256 ${m.database.sha256.slice(0, 12)}…) and ${m.files.count} files into ${folder}`);
    });
  program
    .command('restore')
    .description('Restore a backup folder into the configured empty database and file folder, then verify every hash chain')
    .argument('<folder>', 'a folder written by `closeloop backup`')
    .action(async (folder: string) => {
      const r = await restore(folder);
      for (const l of r.lines) console.log(l.startsWith('✓') ? pc.green(l) : pc.red(l));
      if (!r.ok) process.exitCode = 3;
    });
}
