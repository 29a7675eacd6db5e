import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { DIALECTS, scratchCliDatabase } from '../helpers/db.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/closeloop.js');

function verify(env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  const e: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', LOG_LEVEL: 'warn', ...env };
  delete e.FORCE_COLOR;
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, 'audit', 'verify'], { env: e, timeout: 90_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, out: stdout, err: stderr });
    });
  });
}

/** `audit verify` checks the database it is pointed at; it never creates or migrates one. */
describe('closeloop audit verify on a database that is not there', () => {
  it('refuses a missing SQLite file (exit 2, naming it) and creates nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-verify-'));
    try {
      const file = path.join(dir, 'typo', 'closeloop.db');
      const r = await verify({ DATABASE_URL: `sqlite:${file}`, DATA_DIR: dir });
      expect(r.code, r.err).toBe(2);
      expect(r.err).toContain(`no closeloop database at ${file}`);
      expect(r.out).not.toContain('intact');
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const dialect of DIALECTS) {
    it(`refuses a database without closeloop's tables and leaves it empty [${dialect}]`, async () => {
      const scratch = await scratchCliDatabase(dialect);
      try {
        if (dialect === 'sqlite') fs.writeFileSync(scratch.url.slice('sqlite:'.length), '');
        const r = await verify({ DATABASE_URL: scratch.url, DATA_DIR: process.env.DATA_DIR! });
        expect(r.code, r.err).toBe(2);
        expect(r.err).toContain('no closeloop database at');
        expect(r.out).not.toContain('intact');
        if (dialect === 'postgres') {
          const c = new pg.Client({ connectionString: scratch.url });
          await c.connect();
          try {
            const t = await c.query("select count(*)::int as n from information_schema.tables where table_schema = 'public'");
            expect(t.rows[0].n).toBe(0);
          } finally {
            await c.end();
          }
        } else {
          expect(fs.statSync(scratch.url.slice('sqlite:'.length)).size).toBe(0);
        }
      } finally {
        await scratch.release();
      }
    });
  }
});
