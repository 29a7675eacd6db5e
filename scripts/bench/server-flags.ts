import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The V8 flags `npm start` runs the product with (package.json "start": node <flags> bin/closeloop.js
 * start), so every benchmark's server runs as the product does.
 */
export function productServerFlags(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '../../package.json'), 'utf8')) as { scripts: { start: string } };
  return pkg.scripts.start.split(/\s+/).filter((t) => t.startsWith('--'));
}
