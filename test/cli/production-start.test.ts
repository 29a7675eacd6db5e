import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, migrateToLatest } from '../../src/db/index.js';
import { seedDemo } from '../../src/domain/demo/seed-demo.js';
import { ManualClock } from '../../src/domain/shared/clock.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** `closeloop` as a process: NODE_ENV=production refuses the demo before serving anything. */
function closeloop(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, [path.join(ROOT, 'bin/closeloop.js'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
}

describe('start-up with NODE_ENV=production', () => {
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-prod-'));
    const handle = createDatabase({ kind: 'sqlite', file: path.join(dir, 'seeded.db') });
    await migrateToLatest(handle.db);
    await seedDemo(handle.db, new ManualClock('2026-05-26T02:30:00Z'));
    await handle.destroy();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('`start` refuses to seed the demo, naming what to run instead', () => {
    const res = closeloop(['start', '--no-build'], { NODE_ENV: 'production', DATA_DIR: path.join(dir, 'empty'), HOME: dir });
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/NODE_ENV=production: `closeloop start` would seed the demo.*closeloop serve/s);
    expect(fs.existsSync(path.join(dir, 'empty', 'closeloop.db'))).toBe(false);
  });

  it('`serve` refuses a database whose accounts still open with the demo password, naming them', () => {
    const res = closeloop(['serve', '--no-build'], { NODE_ENV: 'production', DATABASE_URL: `sqlite:${path.join(dir, 'seeded.db')}`, DATA_DIR: dir, HOME: dir });
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/account\(s\) still open with the published demo password \(.*admin.*\)/);
  });
});
