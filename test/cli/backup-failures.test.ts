import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type * as BackupCommands from '../../src/cli/backup-commands.js';
import { openContext } from '../../src/cli/context.js';
import { maskUrlPasswords, pgEnv } from '../../src/db/backup.js';
import { DIALECTS, PG_URL, scratchCliDatabase } from '../helpers/db.js';

const SECRET = 'Zq7-not-for-logs';

/** When set, the file store fails while the backup copies it (after the database image is written). */
const storage = vi.hoisted(() => ({ failList: false }));
vi.mock('../../src/domain/storage/index.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/domain/storage/index.js')>();
  return {
    ...real,
    createFileStore: (...args: Parameters<typeof real.createFileStore>) => {
      const store = real.createFileStore(...args);
      return new Proxy(store, {
        get(target, prop, receiver) {
          if (prop === 'list' && storage.failList) {
            return () => { throw new Error('storage outage (test)'); };
          }
          const v = Reflect.get(target, prop, receiver);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
    },
  };
});

// Test files share their modules (isolate: false): another file may have loaded the backup commands
// with the real file store already, so they are loaded afresh here, under the mock above.
let backup: typeof BackupCommands.backup;
let restore: typeof BackupCommands.restore;
beforeAll(async () => {
  vi.resetModules();
  ({ backup, restore } = await import('../../src/cli/backup-commands.js'));
});

describe('closeloop backup: failures', () => {
  it.skipIf(!DIALECTS.includes('postgres'))('a failed pg_dump says why without the database password, and leaves no folder behind', async () => {
    const saved = { DATABASE_URL: process.env.DATABASE_URL, DATA_DIR: process.env.DATA_DIR };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-bkfail-'));
    const u = new URL(PG_URL);
    u.username = 'postgres';
    u.password = SECRET;
    u.pathname = '/cl_no_such_database_xyz';
    process.env.DATABASE_URL = u.toString();
    process.env.DATA_DIR = dir;
    const folder = path.join(dir, 'b1');
    try {
      const err = await backup(folder).then(() => null, (e: unknown) => e as Error);
      expect(err).toBeInstanceOf(Error);
      expect(err!.message).toMatch(/pg_dump failed: .*cl_no_such_database_xyz/s);
      expect(err!.message).not.toContain(SECRET);
      expect(fs.existsSync(folder)).toBe(false);
      expect(fs.existsSync(`${folder}.partial`)).toBe(false);
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('passes the connection to pg_dump/pg_restore as PG* variables, and masks any URL password in a message', () => {
    expect(pgEnv(`postgres://app:${encodeURIComponent('p@ss:w/rd')}@db.example:6543/closeloop?sslmode=require&options=-c%20search_path%3Dcl`)).toEqual({
      PGHOST: 'db.example', PGPORT: '6543', PGUSER: 'app', PGPASSWORD: 'p@ss:w/rd', PGDATABASE: 'closeloop', PGSSLMODE: 'require', PGOPTIONS: '-c search_path=cl',
    });
    expect(pgEnv('postgres://app@%2Fvar%2Frun%2Fpostgresql:5433/closeloop')).toEqual({ PGHOST: '/var/run/postgresql', PGPORT: '5433', PGUSER: 'app', PGDATABASE: 'closeloop' });
    expect(pgEnv('postgresql:///closeloop?host=/var/run/postgresql&user=app')).toEqual({ PGDATABASE: 'closeloop', PGHOST: '/var/run/postgresql', PGUSER: 'app' });
    expect(maskUrlPasswords(`could not connect: postgres://app:${SECRET}@h/db and postgresql://x:y@z/w`)).toBe('could not connect: postgres://app:***@h/db and postgresql://x:***@z/w');
  });

  it('a missing SQLite database is named, and no folder is left behind', async () => {
    const saved = { DATABASE_URL: process.env.DATABASE_URL, DATA_DIR: process.env.DATA_DIR };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-bkfail-'));
    const file = path.join(dir, 'typo', 'closeloop.db');
    process.env.DATABASE_URL = `sqlite:${file}`;
    process.env.DATA_DIR = dir;
    try {
      await expect(backup(path.join(dir, 'b1'))).rejects.toThrow(`No database at ${file}`);
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

for (const dialect of DIALECTS) {
  describe(`closeloop backup: a failure half-way [${dialect}]`, () => {
    it('leaves no half folder: the same backup can be run again; a folder without a manifest restores as "incomplete"', async () => {
      const scratch = await scratchCliDatabase(dialect);
      const root = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-bkhalf-'));
      const folder = path.join(root, 'b1');
      try {
        await (await openContext()).destroy();
        storage.failList = true;
        await expect(backup(folder)).rejects.toThrow('storage outage (test)');
        storage.failList = false;
        expect(fs.existsSync(folder)).toBe(false);
        expect(fs.existsSync(`${folder}.partial`)).toBe(false);
        const m = await backup(folder);
        expect(m.engine).toBe(dialect);
        expect(fs.readdirSync(root)).toEqual(['b1']);

        const half = path.join(root, 'half');
        fs.mkdirSync(half);
        fs.copyFileSync(path.join(folder, m.database.file), path.join(half, m.database.file));
        await expect(restore(half)).rejects.toThrow(/incomplete backup: it has no manifest\.json/);
      } finally {
        storage.failList = false;
        await scratch.release();
        fs.rmSync(root, { recursive: true, force: true });
      }
    });
  });
}
