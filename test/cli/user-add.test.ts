import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openContext } from '../../src/cli/context.js';
import { addUser } from '../../src/cli/user-commands.js';
import { ROLES } from '../../src/db/schema.js';
import { verifyAllChains } from '../../src/domain/audit/verify-all.js';
import { seedDemo } from '../../src/domain/demo/seed-demo.js';
import { DIALECTS, scratchCliDatabase } from '../helpers/db.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/closeloop.js');
const PASSWORD = 'Cli-Made-Pw-2026!';

for (const dialect of DIALECTS) {
  describe(`closeloop user add [${dialect}]`, () => {
    it('records every account it creates (user.create by cli, no password hash) in the chained audit log', async () => {
      const scratch = await scratchCliDatabase(dialect);
      try {
        const ctx = await openContext();
        try {
          await seedDemo(ctx.handle.db, ctx.deps.clock);
          const before = await ctx.handle.db.selectFrom('audit_log').select('id').execute();
          const made: string[] = [];
          // a handler needs a handling unit, which the command does not take
          for (const role of ROLES.filter((r) => r !== 'handler')) {
            made.push(await addUser(ctx, { username: `cli-${role}`.replace(/_/g, '-'), name: `命令行 ${role}`, role, subdistrict: '008', password: PASSWORD }, {}));
          }
          const entries = await ctx.handle.db.selectFrom('audit_log').selectAll().where('id', 'not in', before.length ? before.map((b) => b.id) : ['-']).execute();
          expect(entries.map((e) => e.entity_id).sort()).toEqual([...made].sort());
          for (const e of entries) {
            expect(e).toMatchObject({ action: 'user.create', entity: 'user', actor_username: 'cli', ip: null });
            const after = JSON.parse(String(e.after_json)) as Record<string, unknown>;
            expect(after.id).toBe(e.entity_id);
            expect(JSON.stringify(after)).not.toMatch(/password|\$argon|\$2[aby]\$|scrypt/i);
          }
          const report = await verifyAllChains(ctx.handle.db);
          expect(report.ok, report.lines.join('\n')).toBe(true);
        } finally {
          await ctx.destroy();
        }
      } finally {
        await scratch.release();
      }
    });

    it('names the option at fault instead of dumping the validation error; creates nothing', async () => {
      const scratch = await scratchCliDatabase(dialect);
      try {
        const ctx = await openContext();
        try {
          await seedDemo(ctx.handle.db, ctx.deps.clock);
          const base = { username: 'cli-new', name: '新人', role: 'operator', subdistrict: '008' };
          await expect(addUser(ctx, base, {})).rejects.toThrow(/^--password \(or CLOSELOOP_PASSWORD\): required: pass --password or set CLOSELOOP_PASSWORD$/);
          await expect(addUser(ctx, { ...base, password: 'short' }, {})).rejects.toThrow(/^--password \(or CLOSELOOP_PASSWORD\): at least/);
          await expect(addUser(ctx, { ...base, username: 'a b', password: PASSWORD }, {})).rejects.toThrow(/^--username: /);
          await expect(addUser(ctx, { ...base, name: ' ', password: PASSWORD }, {})).rejects.toThrow(/^--name: /);
          await expect(addUser(ctx, { ...base, subdistrict: '999', password: PASSWORD }, {})).rejects.toThrow(/^--subdistrict: unknown subdistrict code 999/);
          expect(await addUser(ctx, base, { CLOSELOOP_PASSWORD: PASSWORD })).toBeTruthy();
          const users = await ctx.handle.db.selectFrom('users').select('username').where('username', 'like', 'cli-%').execute();
          expect(users.map((u) => u.username)).toEqual(['cli-new']);
        } finally {
          await ctx.destroy();
        }
      } finally {
        await scratch.release();
      }
    });
  });
}

describe('closeloop number options', () => {
  it('refuses a number option that is not a whole number in range, naming it', async () => {
    for (const bad of ['abc', '12abc', '1.5']) {
      const r = await new Promise<{ code: number; err: string }>((resolve) => {
        const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: '/nonexistent/closeloop-number-options', NO_COLOR: '1' };
        delete env.DATABASE_URL;
        execFile(process.execPath, [BIN, 'seed', '--demo', '--subdistricts', bad], { env, timeout: 90_000 }, (error, _out, stderr) => {
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, err: stderr });
        });
      });
      expect(r.code, bad).not.toBe(0);
      expect(r.err).toContain("option '--subdistricts <n>' argument");
      expect(r.err).toContain(bad);
    }
  });
});
