import fs from 'node:fs';
import type { Command } from 'commander';
import pc from 'picocolors';
import { verifyAuditChain } from '../domain/audit/verify-audit.js';
import { verifyChain } from '../domain/cases/verify-chain.js';
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
      const ctx = await openContext();
      try {
        let q = ctx.handle.db.selectFrom('subdistricts').select(['id', 'code', 'name']).orderBy('code');
        if (opts.subdistrict) q = q.where('code', '=', opts.subdistrict);
        const subs = await q.execute();
        if (!subs.length) throw new Error(`Unknown subdistrict code ${opts.subdistrict}`);
        let broken = 0;
        for (const s of subs) {
          const r = await verifyChain(ctx.handle.db, s.id);
          if (r.ok) {
            console.log(`${pc.green('✓')} ${s.code} ${s.name}: ${r.events} events, chain intact`);
          } else {
            broken++;
            const b = r.broken!;
            console.log(`${pc.red('✗')} ${s.code} ${s.name}: first broken link at seq ${b.seq}${b.eventId ? ` (event ${b.eventId})` : ''} — ${b.problem}: ${b.detail}`);
          }
        }
        if (!opts.subdistrict) {
          const a = await verifyAuditChain(ctx.handle.db);
          if (a.ok) {
            console.log(`${pc.green('✓')} audit log: ${a.entries} entries, chain intact`);
          } else {
            broken++;
            const b = a.broken!;
            console.log(`${pc.red('✗')} audit log: first broken link at seq ${b.seq}${b.entryId ? ` (entry ${b.entryId})` : ''} — ${b.problem}: ${b.detail}`);
          }
        }
        if (broken) process.exitCode = 3;
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
