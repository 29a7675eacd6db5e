import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// From src/cli/ (tsx) or dist/ (the esbuild bundle): the repository root is the nearest package.json.
function findRoot(start: string): string {
  let dir = start;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) return start;
    dir = up;
  }
  return dir;
}
export const ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));
export const WEB_DIST = path.join(ROOT, 'web/dist');

/** Builds the web apps once if they are missing (first `npm start` on a fresh clone). */
export async function ensureWebBuilt(force = false): Promise<void> {
  if (!force && fs.existsSync(path.join(WEB_DIST, 'index.html'))) return;
  process.stderr.write('Building the web apps (first start only)…\n');
  const { build } = await import('vite');
  await build({ configFile: path.join(ROOT, 'web/vite.config.ts'), logLevel: 'warn' });
}
