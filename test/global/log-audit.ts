import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDatabase, migrateToLatest } from '../../src/db/index.js';
import { seedDemo } from '../../src/domain/demo/seed-demo.js';
import { seedServicesDemo } from '../../src/domain/demo/seed-services.js';
import { DEMO_PASSWORD } from '../../src/domain/demo/seed-demo.js';
import { ManualClock } from '../../src/domain/shared/clock.js';
import { TEST_LOG_DIR_ENV } from '../helpers/test-logs.js';

const MOBILE = /(?<!\d)1[3-9]\d{9}(?!\d)/g;
const ID_NUMBER = /(?<!\d)\d{17}[\dXx](?!\d)/g;

/** Every phone number and resident ID number the demo holds, from every text column of every table. */
async function demoPersonalNumbers(): Promise<Set<string>> {
  const handle = createDatabase({ kind: 'sqlite', file: ':memory:' });
  try {
    await migrateToLatest(handle.db);
    const clock = new ManualClock('2026-05-26T02:30:00Z');
    await seedDemo(handle.db, clock);
    await seedServicesDemo(handle.db, clock, { password: DEMO_PASSWORD });
    const found = new Set<string>();
    const tables = (await handle.db.introspection.getTables()).map((t) => t.name);
    for (const table of tables) {
      const rows = await (handle.db as any).selectFrom(table).selectAll().execute();
      for (const row of rows) {
        for (const v of Object.values(row)) {
          if (typeof v !== 'string') continue;
          for (const m of v.matchAll(MOBILE)) found.add(m[0]);
          for (const m of v.matchAll(ID_NUMBER)) found.add(m[0]);
        }
      }
    }
    return found;
  } finally {
    await handle.destroy();
  }
}

/** The log lines of the run that name any of `numbers`: file, line number, the number. */
export function findNumbersInLogs(dir: string, numbers: Set<string>): string[] {
  const hits: string[] = [];
  for (const file of fs.readdirSync(dir)) {
    const lines = fs.readFileSync(path.join(dir, file), 'utf8').split('\n');
    lines.forEach((line, i) => {
      for (const re of [MOBILE, ID_NUMBER]) for (const m of line.matchAll(re)) if (numbers.has(m[0])) hits.push(`${file}:${i + 1}: ${m[0]}`);
    });
  }
  return hits;
}

/**
 * vitest globalSetup: a log folder for this run, inherited by every test process (and the servers
 * they start, through test/helpers/test-logs.ts); the teardown greps the whole run's logs for the
 * demo's phone and ID numbers and fails the run on any hit.
 */
export default function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-test-logs-'));
  process.env[TEST_LOG_DIR_ENV] = dir;
  return async () => {
    const files = fs.readdirSync(dir);
    const numbers = await demoPersonalNumbers();
    if (numbers.size === 0) throw new Error('log audit: the demo holds no phone or ID numbers — the audit would prove nothing');
    const hits = findNumbersInLogs(dir, numbers);
    if (hits.length) {
      throw new Error(`log audit: ${hits.length} log line(s) of this test run carry the demo's phone or ID numbers (logs kept in ${dir}):\n${hits.slice(0, 20).join('\n')}`);
    }
    console.log(`log audit: ${files.length} server log file(s) of this run checked for ${numbers.size} demo phone/ID numbers: none found`);
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
