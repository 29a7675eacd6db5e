#!/usr/bin/env node
// `npm test`: builds the web apps when browser tests need them, then runs every suite with vitest.
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const r = spawnSync('npx', ['vitest', 'run', ...args], { stdio: 'inherit' });
process.exit(r.status ?? 1);
