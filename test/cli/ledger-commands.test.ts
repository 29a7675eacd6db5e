import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { registerLedgerCommands } from '../../src/cli/ledger-commands.js';
import { createDatabase, migrateToLatest } from '../../src/db/index.js';
import { seedDemo } from '../../src/domain/demo/seed-demo.js';
import { ManualClock } from '../../src/domain/shared/clock.js';
import { SITE_HEADER, STAFF_HEADER, sheetRows, workbook } from '../helpers/xlsx.js';

// The CLI opens the database named by the environment, as `closeloop` does; here a temporary SQLite file.
describe('closeloop import / export', () => {
  let dir: string;
  const saved = { DATABASE_URL: process.env.DATABASE_URL, DATA_DIR: process.env.DATA_DIR };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-cli-'));
    process.env.DATA_DIR = dir;
    delete process.env.DATABASE_URL;
    const handle = createDatabase({ kind: 'sqlite', file: path.join(dir, 'closeloop.db') });
    await migrateToLatest(handle.db);
    await seedDemo(handle.db, new ManualClock('2026-05-26T02:30:00Z'));
    await handle.destroy();
  });
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const run = (...args: string[]) => runCli(registerLedgerCommands, ...args);

  it("exports as a committee cadre: only that committee's sites", async () => {
    const file = path.join(dir, 'cadre01.xlsx');
    const res = await run('export', 'sites', file, '--as', 'cadre01');
    expect(res.out).toMatch(/^Wrote \d+ sites to /);
    const rows = await sheetRows(fs.readFileSync(file));
    expect(rows.length).toBeGreaterThan(1);
    expect(new Set(rows.slice(1).map((r) => r[3]))).toEqual(new Set(['安顺居民区']));
  });

  it('prints every bad row as a table and writes nothing; a dry run reports success', async () => {
    const bad = path.join(dir, 'bad.xlsx');
    fs.writeFileSync(bad, await workbook([
      SITE_HEADER,
      ['命令行测试店1', '沿街商铺', '安顺路1号', '安顺居民区', null, 121.42, 31.2],
      ['命令行测试店2', '仓库', '安顺路2号', '安顺居民区', null, 121.42, 31.2],
    ]));
    const res = await run('import', 'sites', bad, '--as', 'admin');
    expect(res.failed).toBe(true);
    expect(res.err).toMatch(/Row\s+Column\s+Reason/);
    expect(res.err).toMatch(/3\s+类型\s+unknown kind "仓库"/);

    const good = path.join(dir, 'good.xlsx');
    fs.writeFileSync(good, await workbook([SITE_HEADER, ['命令行测试店1', '沿街商铺', '安顺路1号', '安顺居民区', null, 121.42, 31.2]]));
    expect((await run('import', 'sites', good, '--as', 'admin', '--dry-run')).out).toMatch(/^Dry run: all 1 rows are valid/);
    expect((await run('import', 'sites', good, '--as', 'admin')).out).toMatch(/^Imported 1 sites/);
    const exported = path.join(dir, 'after.xlsx');
    await run('export', 'sites', exported, '--as', 'admin');
    expect((await sheetRows(fs.readFileSync(exported))).filter((r) => r[0]?.startsWith('命令行测试店'))).toHaveLength(1);
  });

  it('audits an import from the command line as over HTTP: the import, and each account it creates', async () => {
    const file = path.join(dir, 'staff.xlsx');
    fs.writeFileSync(file, await workbook([STAFF_HEADER, ['cli-admin', '命令行管理员', null, '管理员', '虹桥街道', null, null, 'Ming-Ling-Hang-2026']]));
    expect((await run('import', 'staff', file, '--as', 'admin')).out).toMatch(/^Imported 1 staff/);
    const handle = createDatabase({ kind: 'sqlite', file: path.join(dir, 'closeloop.db') });
    try {
      const user = await handle.db.selectFrom('users').select('id').where('username', '=', 'cli-admin').executeTakeFirstOrThrow();
      const entries = await handle.db.selectFrom('audit_log').select(['action', 'entity_id', 'actor_username', 'ip', 'after_json']).where('action', 'in', ['import.staff', 'user.create']).execute();
      expect(entries.find((e) => e.action === 'user.create' && e.entity_id === user.id)).toMatchObject({ actor_username: 'admin', ip: null });
      expect(JSON.parse(entries.find((e) => e.action === 'user.create' && e.entity_id === user.id)!.after_json!)).toMatchObject({ role: 'admin' });
      expect(entries.find((e) => e.action === 'import.staff')).toMatchObject({ actor_username: 'admin', entity_id: 'staff' });
    } finally {
      await handle.destroy();
    }
  });

  it('refuses an unknown user and a role that may not import', async () => {
    await expect(run('export', 'sites', path.join(dir, 'x.xlsx'), '--as', 'nobody')).rejects.toThrow('No active user nobody');
    await expect(run('import', 'staff', path.join(dir, 'good.xlsx'), '--as', 'cadre01')).rejects.toMatchObject({ code: 'forbidden' });
  });
});
