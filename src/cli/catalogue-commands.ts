import fs from 'node:fs/promises';
import type { Command } from 'commander';
import pc from 'picocolors';
import { exportCatalogue } from '../domain/services-catalogue/export-catalogue.js';
import { importCatalogue } from '../domain/services-catalogue/import-catalogue.js';
import { recordAudit } from '../domain/audit/record-audit.js';
import { openContext } from './context.js';
import { actorNamed } from './ledger-commands.js';

/** `closeloop import catalogue <file> --as <admin> [--dry-run] [--effective-from]` and `closeloop export catalogue <file> --as <user>`. */
export function registerCatalogueCommands(imp: Command, exp: Command) {
  imp
    .command('catalogue <file>')
    .description('Import the service-item catalogue workbook (事项目录): new items, new versions from a date; all or nothing')
    .requiredOption('--as <username>', 'act as this administrator')
    .option('--dry-run', 'print the plan without writing')
    .option('--effective-from <date>', 'the date new items and versions start (YYYY-MM-DD, default today)')
    .action(async (file: string, opts: { as: string; dryRun?: boolean; effectiveFrom?: string }) => {
      const ctx = await openContext();
      try {
        const actor = await actorNamed(ctx, opts.as);
        const bytes = await fs.readFile(file);
        const plan = await importCatalogue(ctx.handle.db, ctx.deps.clock, actor, bytes, {
          dryRun: opts.dryRun, effectiveFrom: opts.effectiveFrom,
          beforeCommit: (trx, p) =>
            recordAudit(trx, ctx.deps.clock, { actor, action: 'import.service_catalogue', entity: 'import', entityId: 'service_catalogue', subdistrictId: null, districtId: null, after: { effectiveFrom: p.effectiveFrom, counts: p.counts, digest: p.digest }, ip: null }),
        });
        const c = plan.counts;
        console.log(`${plan.applied ? 'Imported' : 'Plan'} (from ${plan.effectiveFrom}): ${c.new} new, ${c.new_version} new versions, ${c.changed} moved, ${c.unchanged} unchanged; categories ${c.categoriesNew} new, ${c.categoriesChanged} changed.`);
        for (const i of plan.items.filter((x) => x.kind === 'new' || x.kind === 'new_version')) console.log(`  ${i.kind === 'new' ? '+' : '~'} ${i.implCode} ${i.nameZh}${i.changes.length ? ` (${i.changes.join(', ')})` : ''}`);
        for (const e of plan.errors) console.error(pc.red(`  row ${e.row}  ${e.column}  ${e.reason}`));
        if (plan.errors.length) process.exitCode = 1;
      } finally {
        await ctx.handle.destroy();
      }
    });
  exp
    .command('catalogue <file>')
    .description('Export the service-item catalogue workbook (事项目录)')
    .requiredOption('--as <username>', 'act as this staff member')
    .action(async (file: string, opts: { as: string }) => {
      const ctx = await openContext();
      try {
        const { bytes, count } = await exportCatalogue(ctx.handle.db, await actorNamed(ctx, opts.as));
        await fs.writeFile(file, bytes);
        console.log(`Wrote ${count} items to ${file}`);
      } finally {
        await ctx.handle.destroy();
      }
    });
}
