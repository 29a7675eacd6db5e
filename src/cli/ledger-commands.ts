import fs from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../db/index.js';
import { recordAudit } from '../domain/audit/record-audit.js';
import type { Command } from 'commander';
import pc from 'picocolors';
import { type Actor, loadActor } from '../domain/auth/actor.js';
import { exportSites } from '../domain/registry/export-sites.js';
import { importSites } from '../domain/registry/import-sites.js';
import { DomainError } from '../domain/shared/errors.js';
import type { RowError } from '../domain/shared/xlsx.js';
import { exportStaff } from '../domain/staff/export-staff.js';
import { importStaff } from '../domain/staff/import-staff.js';
import { type CliContext, openContext } from './context.js';
import { progressBar } from './progress.js';
import { registerCatalogueCommands } from './catalogue-commands.js';

/** Files smaller than this import too fast for a progress bar to be worth drawing. */
const PROGRESS_MIN_BYTES = 64 * 1024;

/** The CLI acts as a named staff member, with exactly their role and scope. */
export async function actorNamed(ctx: CliContext, username: string): Promise<Actor> {
  const user = await ctx.handle.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
  const actor = user ? await loadActor(ctx.handle.db, user.id) : null;
  if (!actor) throw new Error(`No active user ${username}`);
  return actor;
}

function printRowErrors(rows: RowError[], errorCount: number) {
  const width = (xs: string[]) => Math.max(...xs.map((x) => [...x].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e80 ? 2 : 1), 0)));
  const pad = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - width([s])));
  const rw = Math.max(3, width(rows.map((r) => String(r.row))));
  const cw = Math.max(6, width(rows.map((r) => r.column)));
  console.error(pc.bold(`${pad('Row', rw)}  ${pad('Column', cw)}  Reason`));
  for (const r of rows) console.error(`${pad(String(r.row), rw)}  ${pad(r.column, cw)}  ${r.reason}`);
  if (errorCount > rows.length) console.error(pc.dim(`… and ${errorCount - rows.length} more`));
}

async function runImport(what: 'sites' | 'staff', file: string, opts: { as: string; dryRun?: boolean }) {
  const ctx = await openContext();
  try {
    const actor = await actorNamed(ctx, opts.as);
    const bytes = await fs.readFile(file);
    const bar = bytes.length >= PROGRESS_MIN_BYTES ? progressBar(`Importing ${what}`) : null;
    const started = performance.now();
    try {
      // Audited as over HTTP (docs/audit.md): the import itself, and each account or site it creates.
      const common = {
        dryRun: opts.dryRun, onProgress: bar ? (d: number, t: number) => bar.update(d, t) : undefined,
        beforeCommit: (trx: Db, imported: number) =>
          recordAudit(trx, ctx.deps.clock, { actor, action: `import.${what}`, entity: 'import', entityId: what, after: { imported, bytes: bytes.length, file: path.basename(file) }, ip: null }),
      };
      const res = what === 'sites'
        ? await importSites(ctx.handle.db, ctx.deps.clock, actor, bytes, { ...common, audit: { ip: null } })
        : await importStaff(ctx.handle.db, ctx.deps.clock, actor, bytes, { ...common, audit: { ip: null } });
      bar?.stop();
      const ms = Math.round(performance.now() - started);
      console.log(res.dryRun ? `Dry run: all ${res.imported} rows are valid; nothing written (${ms} ms).` : `Imported ${res.imported} ${what} in ${ms} ms.`);
    } catch (err) {
      bar?.stop();
      if (err instanceof DomainError && err.code === 'import_failed') {
        const d = err.details as { rows: RowError[]; errorCount: number };
        console.error(pc.red(`${err.message}`));
        printRowErrors(d.rows, d.errorCount);
        process.exitCode = 1;
        return;
      }
      throw err;
    }
  } finally {
    await ctx.handle.destroy();
  }
}

async function runExport(what: 'sites' | 'staff', file: string, opts: { as: string }) {
  const ctx = await openContext();
  try {
    const actor = await actorNamed(ctx, opts.as);
    const { bytes, count } = what === 'sites' ? await exportSites(ctx.handle.db, actor) : await exportStaff(ctx.handle.db, actor);
    await fs.writeFile(file, bytes);
    console.log(`Wrote ${count} ${what} to ${file}`);
  } finally {
    await ctx.handle.destroy();
  }
}

/** `closeloop import sites|staff <file.xlsx> --as <user> [--dry-run]` and `closeloop export …`. */
export function registerLedgerCommands(program: Command) {
  const imp = program.command('import').description('Import an Excel ledger (.xlsx); all rows or none');
  const exp = program.command('export').description('Export an Excel ledger (.xlsx) of what a user may see');
  for (const what of ['sites', 'staff'] as const) {
    const label = what === 'sites' ? 'site ledger (点位台账)' : 'staff ledger (人员台账)';
    imp
      .command(`${what} <file>`)
      .description(`Import a ${label}; bad rows are listed and nothing is written`)
      .requiredOption('--as <username>', 'act as this staff member (their role and scope apply)')
      .option('--dry-run', 'validate every row without writing')
      .action((file: string, opts: { as: string; dryRun?: boolean }) => runImport(what, file, opts));
    exp
      .command(`${what} <file>`)
      .description(`Export the ${label}`)
      .requiredOption('--as <username>', 'act as this staff member (their role and scope apply)')
      .action((file: string, opts: { as: string }) => runExport(what, file, opts));
  }
  registerCatalogueCommands(imp, exp);
}
