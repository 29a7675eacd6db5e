import fs from 'node:fs';
import type { Command } from 'commander';
import pc from 'picocolors';
import { verifyAllChains } from '../domain/audit/verify-all.js';
import { LIFECYCLE_DOC_PATH, renderLifecycleDoc } from '../domain/cases/lifecycle-doc.js';
import { openContext } from './context.js';

/** `closeloop audit verify` and `closeloop docs lifecycle`. */
export function registerCaseCommands(program: Command) {
  const audit = program.command('audit').description('Audit trails');
  audit
    .command('verify')
    .description('Recompute the case-event hash chains and the administrative audit chain; name the first broken link')
    .option('--subdistrict <code>', 'only this subdistrict (code, e.g. 008)')
    .action(async (opts: { subdistrict?: string }) => {
      // Opened as it is: verifying must neither create a database at a mistyped path nor migrate
      // the one it checks.
      const ctx = await openContext({ migrate: false });
      try {
        if (ctx.pendingMigrations.length) {
          console.error(pc.yellow(`${ctx.pendingMigrations.length} migration(s) not applied (run \`closeloop migrate\`): ${ctx.pendingMigrations.join(', ')}`));
        }
        const r = await verifyAllChains(ctx.handle.db, { subdistrictCode: opts.subdistrict });
        for (const l of r.lines) console.log(l.startsWith('✓') ? `${pc.green('✓')}${l.slice(1)}` : `${pc.red('✗')}${l.slice(1)}`);
        if (!r.ok) process.exitCode = 3;
      } finally {
        await ctx.handle.destroy();
      }
    });

  const docs = program.command('docs').description('Generated documentation');
  docs
    .command('lifecycle')
    .description(`Write ${LIFECYCLE_DOC_PATH} (mermaid diagram) from the lifecycle table`)
    .option('--check', 'fail if the committed file differs instead of writing it')
    .action((opts: { check?: boolean }) => {
      const text = renderLifecycleDoc();
      if (opts.check) {
        const current = fs.existsSync(LIFECYCLE_DOC_PATH) ? fs.readFileSync(LIFECYCLE_DOC_PATH, 'utf8') : '';
        if (current !== text) {
          console.error(pc.red(`${LIFECYCLE_DOC_PATH} is out of date: run closeloop docs lifecycle`));
          process.exitCode = 1;
        } else console.log(`${LIFECYCLE_DOC_PATH} is up to date`);
        return;
      }
      fs.writeFileSync(LIFECYCLE_DOC_PATH, text);
      console.log(`Wrote ${LIFECYCLE_DOC_PATH}`);
    });
}
