import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findNumbersInLogs } from '../global/log-audit.js';
import { TEST_LOG_DIR_ENV } from '../helpers/test-logs.js';
import { tsSources } from '../helpers/source-files.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** The run-wide log audit (test/global/log-audit.ts) sees every server the tests start. */
describe('logs of the whole test run', () => {
  it('this run has a log folder, shared with every test process', () => {
    const dir = process.env[TEST_LOG_DIR_ENV];
    expect(dir).toBeTruthy();
    expect(fs.statSync(dir!).isDirectory()).toBe(true);
  });

  it('every app a test builds logs into it, and every server process a test starts copies its output there', () => {
    const missing: string[] = [];
    for (const file of tsSources(path.join(ROOT, 'test'))) {
      const text = fs.readFileSync(file, 'utf8');
      const rel = path.relative(ROOT, file);
      for (const m of text.matchAll(/await buildApp\(([^;]*?)\);/gs)) {
        // log-redaction.test.ts captures its own log lines to assert on them.
        if (!/testLogOptions\(|logStream/.test(m[1]!)) missing.push(`${rel}: buildApp(${m[1]!.slice(0, 60)}…)`);
      }
      if (/spawn\(process\.execPath, \[[^\]]*(closeloop\.js|BIN)/.test(text) && !text.includes('logChildOutput(')) missing.push(`${rel}: spawns a server without logChildOutput`);
    }
    expect(missing).toEqual([]);
  });

  it('the grep finds a demo number in a log line and names the file and line, and passes clean logs', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeloop-log-grep-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.log'), '{"msg":"request completed","url":"/api/staff?q"}\n{"msg":"boom 13912345678"}\n');
      fs.writeFileSync(path.join(dir, 'b.log'), '{"msg":"id 31010519900307123X here, another 1391234567890"}\n');
      const numbers = new Set(['13912345678', '31010519900307123X', '13800000000']);
      expect(findNumbersInLogs(dir, numbers).sort()).toEqual(['a.log:2: 13912345678', 'b.log:1: 31010519900307123X']);
      expect(findNumbersInLogs(dir, new Set(['13800000000']))).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
