import type { Command } from 'commander';
import pc from 'picocolors';
import { CLI_AUDIT_ACTOR } from '../domain/audit/record-audit.js';
import { jobNames, runJobNow } from '../jobs/run-now.js';
import { openContext } from './context.js';

/** `closeloop jobs list` and `closeloop jobs run <name>`: run a due job now (drills, operations), audited. */
export function registerJobsCommands(program: Command) {
  const jobs = program.command('jobs').description('Background jobs');
  jobs
    .command('list')
    .description('The jobs `jobs run` accepts')
    .action(async () => {
      const ctx = await openContext();
      try {
        for (const n of jobNames(ctx.deps)) console.log(n);
      } finally {
        await ctx.destroy();
      }
    });
  jobs
    .command('run <name>')
    .description('Run one round of a job now (recorded in the audit log)')
    .action(async (name: string) => {
      const ctx = await openContext();
      try {
        const r = await runJobNow(ctx.deps, name, CLI_AUDIT_ACTOR);
        if (!r.ran) console.log(`${pc.yellow('!')} ${name}: a round of the job is running (here or on another instance); try again when it ends`);
        else if (r.error) {
          console.log(`${pc.red('✗')} ${name}: ${r.error}`);
          process.exitCode = 1;
        } else console.log(`${pc.green('✓')} ${name}: ${r.handled} handled`);
      } finally {
        await ctx.destroy();
      }
    });
}
