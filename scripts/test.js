#!/usr/bin/env node
// `npm test`: type-checks the server and the web apps, then runs every suite (unit, API on SQLite and
// PostgreSQL, browser in Chromium) with vitest. Extra arguments go to vitest (e.g. a file filter);
// with a filter the type-check is skipped for speed.
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const run = (cmd, cmdArgs) => spawnSync(cmd, cmdArgs, { stdio: 'inherit' }).status ?? 1;

if (args.length === 0) {
  for (const project of ['tsconfig.json', 'web/tsconfig.json']) {
    console.log(`Type-checking ${project}…`);
    if (run('npx', ['tsc', '--noEmit', '-p', project]) !== 0) {
      console.log('\nTests: 0 passed, 1 failed, 0 skipped (type errors)');
      process.exit(1);
    }
  }
}
process.exit(run('npx', ['vitest', 'run', ...args]));
