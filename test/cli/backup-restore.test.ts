import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { backup, restore } from '../../src/cli/backup-commands.js';
import { openContext } from '../../src/cli/context.js';
import { readConfig } from '../../src/config.js';
import { createDatabase } from '../../src/db/index.js';
import { seedDemo } from '../../src/domain/demo/seed-demo.js';
import { createFileStore } from '../../src/domain/storage/index.js';
import { originalKey, thumbKey } from '../../src/domain/storage/keys.js';
import { buildApp } from '../../src/server/app.js';
import { uploadPhoto } from '../api/cases-helpers.js';
import { signInAs } from '../helpers/app.js';
import { DIALECTS, scratchCliDatabase } from '../helpers/db.js';
import { testLogOptions } from '../helpers/test-logs.js';

for (const dialect of DIALECTS) {
  describe(`closeloop backup → restore → audit verify [${dialect}]`, () => {
    it('restores the database and the evidence files into an empty place, and every chain verifies', async () => {
      const folder = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-backup-')), 'b1');
      const source = await scratchCliDatabase(dialect);
      let counts: { cases: number; events: number; audit: number };
      let photoKeys: string[];
      try {
        const ctx = await openContext();
        try {
          await seedDemo(ctx.handle.db, ctx.deps.clock);
          const app = await buildApp(ctx.deps, testLogOptions('backup-restore'));
          const cookie = await signInAs(app, 'patrol1');
          const hq = await ctx.handle.db.selectFrom('subdistricts').select('id').where('code', '=', '008').executeTakeFirstOrThrow();
          const cat = await ctx.handle.db.selectFrom('case_categories').select('id').where('subdistrict_id', '=', hq.id).where('code', '=', 'A0301').executeTakeFirstOrThrow();
          const sites = await ctx.handle.db.selectFrom('sites').select(['id', 'lng', 'lat']).where('subdistrict_id', '=', hq.id).orderBy('id').limit(3).execute();
          for (const s of sites) {
            const photo = await uploadPhoto(app, cookie);
            expect(photo.status).toBe(201);
            const res = await app.inject({ method: 'POST', url: '/api/cases', headers: { cookie }, payload: { source: 'patrol', categoryId: cat.id, siteId: s.id, lng: Number(s.lng), lat: Number(s.lat), description: '备份测试', photoIds: [photo.id] } });
            expect(res.statusCode, res.body).toBe(201);
          }
          await app.close();
          const n = (t: 'cases' | 'case_events' | 'audit_log') => ctx.handle.db.selectFrom(t).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n));
          counts = { cases: await n('cases'), events: await n('case_events'), audit: await n('audit_log') };
          photoKeys = fs.readdirSync(ctx.config.photoDir, { recursive: true }).map(String).filter((f) => fs.statSync(path.join(ctx.config.photoDir, f)).isFile()).sort();
          expect(counts.cases).toBe(3);
          expect(photoKeys.length).toBeGreaterThanOrEqual(3);
        } finally {
          await ctx.destroy();
        }
        const manifest = await backup(folder);
        expect(manifest.engine).toBe(dialect);
        expect(manifest.files.count).toBe(photoKeys.length);
        await expect(backup(folder)).rejects.toThrow(/not empty/);
      } finally {
        await source.release();
      }

      const target = await scratchCliDatabase(dialect);
      try {
        const report = await restore(folder);
        expect(report.lines.join('\n')).toMatch(/audit log: \d+ entries, chain intact/);
        expect(report.ok).toBe(true);
        const ctx = await openContext();
        try {
          const n = (t: 'cases' | 'case_events' | 'audit_log') => ctx.handle.db.selectFrom(t).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n));
          expect({ cases: await n('cases'), events: await n('case_events'), audit: await n('audit_log') }).toEqual(counts!);
          const restored = fs.readdirSync(ctx.config.photoDir, { recursive: true }).map(String).filter((f) => fs.statSync(path.join(ctx.config.photoDir, f)).isFile()).sort();
          expect(restored).toEqual(photoKeys!);
        } finally {
          await ctx.destroy();
        }
        // A second restore into the now non-empty database is refused.
        await expect(restore(folder)).rejects.toThrow(/not empty/);
      } finally {
        await target.release();
      }

      // A damaged image is refused before anything is written.
      const image = path.join(folder, dialect === 'sqlite' ? 'closeloop.db' : 'closeloop.pgdump');
      const bytes = fs.readFileSync(image);
      const mid = bytes.length >> 1;
      bytes[mid] = (bytes[mid] ?? 0) ^ 0xff;
      fs.writeFileSync(image, bytes);
      const third = await scratchCliDatabase(dialect);
      try {
        await expect(restore(folder)).rejects.toThrow(/damaged/);
      } finally {
        await third.release();
        fs.rmSync(path.dirname(folder), { recursive: true, force: true });
      }
    }, 180_000);
  });
}

/** Seeds the demo into the configured (scratch) database and writes `files` (key, bytes) to its file store. */
async function seedDemoWithFiles(files: [key: string, bytes: Buffer][]): Promise<void> {
  const ctx = await openContext();
  try {
    await seedDemo(ctx.handle.db, ctx.deps.clock);
    const store = createFileStore(ctx.config.storage);
    for (const [key, bytes] of files) await store.putOnce(key, bytes);
    await store.close();
  } finally {
    await ctx.destroy();
  }
}

/** Tables in the configured database (what `restore` requires to be none). */
async function tableCount(): Promise<number> {
  const config = readConfig();
  if (config.database.kind === 'sqlite' && !fs.existsSync(config.database.file)) return 0;
  const h = createDatabase(config.database);
  try {
    const q = h.kind === 'sqlite'
      ? sql<{ n: number }>`select count(*) as n from sqlite_master where type = 'table' and name not like 'sqlite_%'`
      : sql<{ n: number }>`select count(*) as n from information_schema.tables where table_schema = current_schema()`;
    return Number((await q.execute(h.db)).rows[0]?.n ?? 0);
  } finally {
    await h.destroy();
  }
}

for (const dialect of DIALECTS) {
  describe(`closeloop restore when the file store fails [${dialect}]`, () => {
    it('leaves the database empty, so the same restore runs again once the store is fixed', async () => {
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-restore-fail-'));
      const folder = path.join(tmp, 'b1');
      const photo = Buffer.from(`evidence ${Math.random()}`);
      const key = originalKey(createHash('sha256').update(photo).digest('hex'));
      const savedPhotoDir = process.env.PHOTO_DIR;
      try {
        const source = await scratchCliDatabase(dialect);
        try {
          await seedDemoWithFiles([[key, photo]]);
          expect((await backup(folder)).files.count).toBe(1);
        } finally {
          await source.release();
        }

        const target = await scratchCliDatabase(dialect);
        try {
          // A file store that cannot be written: its folder would be under a regular file.
          const blocker = path.join(tmp, 'not-a-folder');
          fs.writeFileSync(blocker, '');
          process.env.PHOTO_DIR = path.join(blocker, 'photos');
          await expect(restore(folder)).rejects.toThrow(/ENOTDIR|not a directory/);
          expect(await tableCount()).toBe(0);

          delete process.env.PHOTO_DIR;
          const report = await restore(folder);
          expect(report.ok, report.lines.join('\n')).toBe(true);
          expect(await tableCount()).toBeGreaterThan(0);
          const store = createFileStore(readConfig().storage);
          try {
            expect(await store.get(key)).toEqual(photo);
          } finally {
            await store.close();
          }
        } finally {
          await target.release();
        }
      } finally {
        if (savedPhotoDir === undefined) delete process.env.PHOTO_DIR; else process.env.PHOTO_DIR = savedPhotoDir;
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    }, 120_000);
  });
}

/**
 * What makes a paged backup restart is how many steps a pass takes, so small pages: 32 MB of
 * 512-byte pages is ~65,000 pages, ~650 steps of 100 (a 1 GB database of 4 KB pages takes
 * ~2,600), measured at 0.4–0.65 s a pass with nothing writing: far longer than any pause of the
 * writer below, so before the fix every pass restarted.
 */
const FILLER_MB = 32;
const PAGE_SIZE = 512;
/** The writer's pace: a running server writes every 250 ms; this much faster makes the failure certain. */
const WRITE_EVERY_MS = 1;
/** After the fix the copy takes well under a second; before it, it never finished. */
const BACKUP_DEADLINE_MS = 20_000;

describe('closeloop backup of a SQLite database another process keeps writing to', () => {
  it('finishes, with a consistent image', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-backup-busy-'));
    const folder = path.join(tmp, 'b1');
    const source = await scratchCliDatabase('sqlite');
    let writer: ChildProcess | undefined;
    let exited: Promise<void> | undefined;
    let done: ReturnType<typeof backup> | undefined;
    let deadline: NodeJS.Timeout | undefined;
    try {
      const config = readConfig().database;
      if (config.kind !== 'sqlite') throw new Error('expected a SQLite scratch database');
      const rows = FILLER_MB * 256;
      const db = new SQLite(config.file);
      try {
        db.pragma(`page_size = ${PAGE_SIZE}`);
        db.pragma('journal_mode = WAL');
        db.exec('create table filler (id integer primary key, body blob not null); create table ticks (id integer primary key, at text not null)');
        const insert = db.prepare('insert into filler (body) values (randomblob(4000))');
        db.transaction(() => {
          for (let i = 0; i < rows; i++) insert.run();
        })();
      } finally {
        db.close();
      }
      // A separate process, as the server is: SQLite restarts a paged backup when another
      // connection commits to the source between two steps.
      const driver = createRequire(import.meta.url).resolve('better-sqlite3');
      const child = spawn(process.execPath, ['-e', `
        const db = new (require(${JSON.stringify(driver)}))(${JSON.stringify(config.file)});
        db.pragma('busy_timeout = 5000');
        // No fsync per commit: a slow fsync would pause the writer long enough for a pass to slip through.
        db.pragma('synchronous = off');
        const tick = db.prepare("insert into ticks (at) values (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))");
        tick.run();
        process.stdout.write('writing\\n');
        setInterval(() => tick.run(), ${WRITE_EVERY_MS});
      `], { stdio: ['ignore', 'pipe', 'inherit'] });
      writer = child;
      exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await new Promise<void>((resolve, reject) => {
        child.stdout!.once('data', () => resolve());
        child.once('exit', (code) => reject(new Error(`the writer exited (${code}) before writing`)));
      });

      done = backup(folder);
      const timedOut = new Promise<never>((_, reject) => {
        deadline = setTimeout(() => reject(new Error(`backup did not finish within ${BACKUP_DEADLINE_MS} ms while another process writes every ${WRITE_EVERY_MS} ms`)), BACKUP_DEADLINE_MS);
      });
      const manifest = await Promise.race([done, timedOut]);
      expect(child.exitCode, 'the writer kept writing throughout').toBeNull();
      const image = new SQLite(path.join(folder, manifest.database.file), { readonly: true });
      try {
        expect(image.pragma('integrity_check', { simple: true })).toBe('ok');
        expect((image.prepare('select count(*) as n from filler').get() as { n: number }).n).toBe(rows);
        expect((image.prepare('select count(*) as n from ticks').get() as { n: number }).n).toBeGreaterThan(0);
      } finally {
        image.close();
      }
    } finally {
      clearTimeout(deadline);
      writer?.kill();
      await exited;
      // Once the writes stop a backup still running finishes; let it before its folder goes.
      await done?.catch(() => {});
      await source.release();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }, 60_000);
});

for (const dialect of DIALECTS) {
  describe(`closeloop restore checks every file's SHA-256 [${dialect}]`, () => {
    it('refuses a damaged original or thumbnail, naming it, and changes nothing; an older manifest still restores', async () => {
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-restore-hash-'));
      const folder = path.join(tmp, 'b1');
      const photo = Buffer.from(`evidence ${Math.random()}`);
      const hash = createHash('sha256').update(photo).digest('hex');
      const key = originalKey(hash);
      const thumb = thumbKey(hash);
      try {
        const source = await scratchCliDatabase(dialect);
        try {
          await seedDemoWithFiles([[key, photo], [thumb, Buffer.from(`thumbnail ${Math.random()}`)]]);
          const manifest = await backup(folder);
          expect(Object.keys(manifest.files.sha256 ?? {})).toEqual([thumb]);
        } finally {
          await source.release();
        }
        const flip = (f: string) => {
          const b = fs.readFileSync(f);
          b[0] = (b[0] ?? 0) ^ 0xff;
          fs.writeFileSync(f, b);
        };
        const target = await scratchCliDatabase(dialect);
        try {
          const storeFiles = () => {
            const dir = readConfig().storage;
            if (dir.kind !== 'local') throw new Error('expected a local file store');
            return fs.existsSync(dir.dir) ? fs.readdirSync(dir.dir, { recursive: true }).map(String).filter((f) => fs.statSync(path.join(dir.dir, f)).isFile()) : [];
          };
          for (const damaged of [key, thumb]) {
            const file = path.join(folder, 'files', damaged);
            flip(file);
            await expect(restore(folder)).rejects.toThrow(new RegExp(`${damaged.split('/').pop()!.replace(/\./g, '\\.')} does not match its SHA-256`));
            expect(await tableCount()).toBe(0);
            expect(storeFiles()).toEqual([]);
            flip(file);
          }
          // A backup written before per-file hashes: originals still checked by their key.
          const manifestFile = path.join(folder, 'manifest.json');
          const m = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { files: { sha256?: unknown } };
          delete m.files.sha256;
          fs.writeFileSync(manifestFile, JSON.stringify(m));
          flip(path.join(folder, 'files', key));
          await expect(restore(folder)).rejects.toThrow(/does not match its SHA-256/);
          expect(await tableCount()).toBe(0);
          flip(path.join(folder, 'files', key));
          const report = await restore(folder);
          expect(report.ok, report.lines.join('\n')).toBe(true);
          expect(storeFiles().length).toBe(2);
        } finally {
          await target.release();
        }
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    }, 120_000);

    it('restores a database not yet set up (no subdistricts): just the audit chain is verified', async () => {
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-restore-empty-'));
      const folder = path.join(tmp, 'b1');
      try {
        const source = await scratchCliDatabase(dialect);
        try {
          await (await openContext()).destroy();
          await backup(folder);
        } finally {
          await source.release();
        }
        const target = await scratchCliDatabase(dialect);
        try {
          const report = await restore(folder);
          expect(report.ok, report.lines.join('\n')).toBe(true);
          expect(report.lines).toEqual([expect.stringMatching(/^✓ audit log: 0 entries, chain intact$/)]);
        } finally {
          await target.release();
        }
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    }, 120_000);
  });
}

describe('closeloop restore of a database image over 2 GiB', () => {
  it('hashes the image as a stream (no single Buffer), so a damaged large image is reported as damaged', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-restore-big-'));
    const folder = path.join(tmp, 'b1');
    const target = await scratchCliDatabase('sqlite');
    try {
      fs.mkdirSync(path.join(folder, 'files'), { recursive: true });
      const image = path.join(folder, 'closeloop.db');
      const fd = fs.openSync(image, 'w'); // sparse: no disk used
      fs.ftruncateSync(fd, 2 ** 31 + 4096);
      fs.closeSync(fd);
      fs.writeFileSync(path.join(folder, 'manifest.json'), JSON.stringify({ format: 1, engine: 'sqlite', createdAt: new Date().toISOString(), database: { file: 'closeloop.db', sha256: '0'.repeat(64), bytes: fs.statSync(image).size }, files: { folder: 'files', count: 0, bytes: 0 } }));
      await expect(restore(folder)).rejects.toThrow(/does not match the manifest's SHA-256: the backup is damaged/);
    } finally {
      await target.release();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }, 120_000);
});
