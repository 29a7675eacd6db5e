#!/usr/bin/env node
// The `closeloop` command. Runs the esbuild bundle of src/cli/main.ts (dist/closeloop.mjs), rebuilding
// it first when any source file is newer — so a fresh clone and an edited tree both just work.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'dist/closeloop.mjs');

function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    const t = entry.isDirectory() ? newestSource(p) : fs.statSync(p).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

const stale = !fs.existsSync(OUT) || fs.statSync(OUT).mtimeMs < newestSource(path.join(ROOT, 'src'));
if (stale) {
  const { buildCli } = await import('../scripts/build-cli.mjs');
  await buildCli();
}
process.setSourceMapsEnabled?.(true);
await import(pathToFileURL(OUT).href);
