import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config.js';
import { createDatabase } from '../../src/db/index.js';
import { DIALECTS, testDatabase } from '../helpers/db.js';

/**
 * "No answer for data that is not on disk" holds across a power cut, not only a killed process:
 * SQLite fsyncs every commit (synchronous = FULL) unless an operator opts into NORMAL by name;
 * PostgreSQL waits for the WAL flush of every commit (synchronous_commit = on, fsync = on).
 */
describe('durability of an acknowledged write', () => {
  for (const dialect of DIALECTS) {
    it(`[${dialect}] commits are flushed to disk before they are acknowledged`, async () => {
      const handle = await testDatabase(dialect);
      try {
        if (dialect === 'sqlite') {
          const { rows } = await sql<{ synchronous: number }>`pragma synchronous`.execute(handle.db);
          expect(rows[0]?.synchronous).toBe(2); // FULL
        } else {
          const commit = await sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(handle.db);
          const fsync = await sql<{ fsync: string }>`show fsync`.execute(handle.db);
          expect(commit.rows[0]?.synchronous_commit).toBe('on');
          expect(fsync.rows[0]?.fsync).toBe('on');
        }
      } finally {
        await handle.destroy();
      }
    });
  }

  it('SQLITE_SYNCHRONOUS=normal is the one named, opt-in faster mode; anything else is refused', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-sync-'));
    try {
      expect(readConfig({ DATA_DIR: dir }).database).toMatchObject({ kind: 'sqlite', synchronous: 'full' });
      const config = readConfig({ DATA_DIR: dir, SQLITE_SYNCHRONOUS: 'normal' });
      const handle = createDatabase(config.database);
      const { rows } = await sql<{ synchronous: number }>`pragma synchronous`.execute(handle.db);
      expect(rows[0]?.synchronous).toBe(1); // NORMAL
      await handle.destroy();
      expect(() => readConfig({ SQLITE_SYNCHRONOUS: 'off' })).toThrow(/SQLITE_SYNCHRONOUS/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
