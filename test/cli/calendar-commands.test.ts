import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { registerCalendarCommands } from '../../src/cli/calendar-commands.js';
import { createDatabase, migrateToLatest } from '../../src/db/index.js';
import { seedDemo } from '../../src/domain/demo/seed-demo.js';
import { ManualClock } from '../../src/domain/shared/clock.js';

// `closeloop calendar import`: a preview by default, --apply writes and audits.
describe('closeloop calendar import', () => {
  let dir: string;
  const saved = { DATABASE_URL: process.env.DATABASE_URL, DATA_DIR: process.env.DATA_DIR };
  const dbFile = () => path.join(dir, 'closeloop.db');

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-cal-'));
    process.env.DATA_DIR = dir;
    delete process.env.DATABASE_URL;
    const handle = createDatabase({ kind: 'sqlite', file: dbFile() });
    await migrateToLatest(handle.db);
    await seedDemo(handle.db, new ManualClock('2026-05-26T02:30:00Z'));
    await handle.destroy();
    fs.writeFileSync(path.join(dir, '2029.txt'), '# 2029年部分节假日安排\n2029-01-01 休 元旦\n2029-02-12..2029-02-18 休 春节\n2029-02-10 班 春节调休\n');
    fs.writeFileSync(path.join(dir, '2031.txt'), '2031-01-01 休 元旦\n');
    fs.writeFileSync(path.join(dir, 'bad.txt'), '2029-01-01 休\n2029-02-30 班\n');
  });
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const run = (...args: string[]) => runCli(registerCalendarCommands, ...args);
  const rows = async () => {
    const h = createDatabase({ kind: 'sqlite', file: dbFile() });
    try {
      return await h.db.selectFrom('calendar_overrides').selectAll().where('date', '>=', '2029-01-01').execute();
    } finally {
      await h.destroy();
    }
  };

  it('previews without writing, applies with --apply and records it in the audit log', async () => {
    const preview = await run('calendar', 'import', path.join(dir, '2029.txt'), '--year', '2029', '--as', 'admin', '--subdistrict', '008');
    expect(preview.failed).toBe(false);
    expect(preview.out).toContain('Preview of the 2029 schedule');
    expect(preview.out).toContain('9 days listed (8 holidays, 1 make-up workdays)');
    expect(await rows()).toHaveLength(0);
    const applied = await run('calendar', 'import', path.join(dir, '2029.txt'), '--year', '2029', '--as', 'admin', '--subdistrict', '008', '--apply');
    expect(applied.out).toContain('Imported the 2029 schedule');
    expect((await rows()).length).toBeGreaterThanOrEqual(9);
    const h = createDatabase({ kind: 'sqlite', file: dbFile() });
    const audit = await h.db.selectFrom('audit_log').select(['action', 'actor_username', 'ip']).where('action', '=', 'calendar.import_year').execute();
    await h.destroy();
    expect(audit).toEqual([{ action: 'calendar.import_year', actor_username: 'admin', ip: null }]);
  });

  it('names the bad line and writes nothing; a subdistrict administrator cannot import for everyone', async () => {
    const bad = await run('calendar', 'import', path.join(dir, 'bad.txt'), '--year', '2029', '--as', 'admin', '--subdistrict', '008', '--apply');
    expect(bad.failed).toBe(true);
    expect(bad.err).toContain('schedule: line 2: 2029-02-30 is not a real date');
    const global = await run('calendar', 'import', path.join(dir, '2029.txt'), '--year', '2029', '--as', 'admin', '--apply');
    expect(global.failed).toBe(true);
    expect(global.err).toMatch(/district-level administrator/);
  });

  it('takes --year as four digits from 2000 to 2100 only, naming the option, and writes nothing otherwise', async () => {
    const before = await rows();
    for (const year of ['2031abc', '20.5', '2031.0', '1999', '2101', '0x7ef', ' ', '02031']) {
      const r = run('calendar', 'import', path.join(dir, '2031.txt'), '--year', year, '--as', 'admin', '--subdistrict', '008', '--apply');
      await expect(r, year).rejects.toThrow(/--year.*expected a 4-digit year from 2000 to 2100/);
    }
    expect(await rows()).toEqual(before);
    const ok = await run('calendar', 'import', path.join(dir, '2031.txt'), '--year', ' 2031 ', '--as', 'admin', '--subdistrict', '008');
    expect(ok.out).toContain('Preview of the 2031 schedule');
  });
});
