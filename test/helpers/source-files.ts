import fs from 'node:fs';
import path from 'node:path';

/** Every .ts file under `dir`, at any depth: the sources a test reads to check a rule across the code. */
export function tsSources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsSources(p) : p.endsWith('.ts') ? [p] : [];
  });
}
