// Bundles the server and CLI (src/cli/main.ts) into dist/closeloop.mjs with esbuild, packages kept
// external. Loading one pre-transpiled file starts several times faster than transpiling every
// module through tsx at each start. bin/closeloop.js rebuilds it whenever a source file is newer.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OUT = path.join(ROOT, 'dist/closeloop.mjs');

export async function buildCli() {
  await build({
    entryPoints: [path.join(ROOT, 'src/cli/main.ts')],
    outfile: OUT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',

    
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildCli();
}
