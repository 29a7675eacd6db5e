import { Command, Option } from 'commander';
import pc from 'picocolors';
import { DEMO_PASSWORD, isSeeded } from '../domain/demo/seed-demo.js';
import { jobLag, startJobs } from '../jobs/index.js';
import { buildApp } from '../server/app.js';
import type { Lifecycle } from '../server/deps.js';
import { gracefulShutdown } from '../server/shutdown.js';
import { listenMetrics } from '../server/metrics.js';
import { startLiveFeed } from '../server/live-feed.js';
import { hubFor } from '../domain/dashboard/hub.js';
import type { Poller } from '../jobs/poller.js';
import { jobNames, runJobNow } from '../jobs/run-now.js';
import type { AuditActor } from '../domain/audit/record-audit.js';
import { CliError, openContext } from './context.js';
import { readConfig } from '../config.js';
import { accountsWithDemoPassword } from '../domain/auth/demo-password-check.js';
import { seedDemoData } from './demo-seed.js';
import { registerCaseCommands } from './cases-commands.js';
import { registerUserCommands } from './user-commands.js';
import { intOption } from './int-option.js';
import { registerBackupCommands } from './backup-commands.js';
import { registerJobsCommands } from './jobs-commands.js';
import { registerLedgerCommands } from './ledger-commands.js';
import { registerStorageCommands } from './storage-commands.js';
import { registerCalendarCommands } from './calendar-commands.js';
import { SCALES, registerDashboardCommands, seedScale } from './dashboard-commands.js';
import { WEB_DIST, ensureWebBuilt } from './web-build.js';

const program = new Command('closeloop')
  .description('闭环 closeloop — waste-sorting supervision: registry, cases, patrols, enforcement, dashboard')
  .showHelpAfterError();

async function serve(opts: { demo?: boolean; build?: boolean }) {
  const started = performance.now();
  if (opts.demo && readConfig().production) {
    throw new Error(
      'NODE_ENV=production: `closeloop start` would seed the demo, whose password is published. ' +
        'Create the real accounts (`closeloop user add`) and run `closeloop serve`.',
    );
  }
  // `start` seeds an empty database under the start-up lock (so two instances starting together
  // seed once); `serve` never seeds.
  const ctx = await openContext({
    serving: true,
    afterMigrate: opts.demo ? async (c) => {
      if (!(await isSeeded(c.handle.db))) await seedDemoData(c);
    } : undefined,
  });
  if (ctx.config.production) {
    const demo = await accountsWithDemoPassword(ctx.handle.db);
    if (demo.length) {
      await ctx.destroy();
      throw new Error(
        `NODE_ENV=production: ${demo.length} account(s) still open with the published demo password ` +
          `(${demo.slice(0, 10).join(', ')}${demo.length > 10 ? ', …' : ''}). Set new passwords or disable them, then start again.`,
      );
    }
  }
  if (opts.build !== false) await ensureWebBuilt();
  const lifecycle: Lifecycle = { draining: false, closing: false };
  const deps = { ...ctx.deps, lifecycle, jobNames: () => jobNames({ ...ctx.deps, logger: app.log }), runJob: (name: string, actor: AuditActor, ip: string | null) => runJobNow({ ...ctx.deps, logger: app.log }, name, actor, ip) };
  let jobs: Poller[] = [];
  const app = await buildApp(deps, { webDir: WEB_DIST, logger: true, metrics: { pool: ctx.handle.pool, jobs: () => jobs, jobLag: () => jobLag(deps.db, deps.clock) } });
  let stopJobs: () => Promise<void> = async () => {};
  // Live dashboards: on PostgreSQL every instance hears every fold (LISTEN/NOTIFY); SQLite is one process.
  const db0 = ctx.config.database;
  const feed = db0.kind === 'postgres' ? startLiveFeed({ url: db0.url, schema: db0.schema, db: deps.db, hub: hubFor(deps.db), log: app.log }) : null;
  const metricsServer = ctx.config.metrics.port ? await listenMetrics(app.metrics, ctx.config.host, ctx.config.metrics.port) : null;
  const shutdown = gracefulShutdown({
    app,
    lifecycle,
    drainMs: ctx.config.shutdown.drainMs,
    timeoutMs: ctx.config.shutdown.timeoutMs,
    stopJobs: () => stopJobs(),
    release: async () => {
      metricsServer?.close();
      await feed?.stop();
      await ctx.destroy();
    },
    log: (msg) => app.log.info(msg),
  });
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  const address = await app.listen({ host: ctx.config.host, port: ctx.config.port });
  // Background jobs (deadlines, webhook deliveries, …): state lives in the database.
  const running = startJobs({ ...deps, logger: app.log });
  jobs = running.jobs;
  stopJobs = running;
  const ms = Math.round(performance.now() - started);
  console.log(`\n${pc.bold(pc.green('closeloop 闭环'))} ready in ${ms} ms on ${ctx.handle.kind}`);
  if (ctx.handle.kind === 'sqlite') {
    console.log(pc.dim('  SQLite is single-process: run one instance (several instances need PostgreSQL and STORAGE_BACKEND=s3; see docs/operations.md)'));
  }
  console.log(`  Console    ${pc.cyan(`${address}/`)}`);
  console.log(`  Field app  ${pc.cyan(`${address}/m`)}`);
  console.log(`  API docs   ${pc.cyan(`${address}/api/docs`)}`);
  if (opts.demo) {
    console.log(`  Demo sign-ins (password ${pc.bold(DEMO_PASSWORD)}): admin, operator, leader, patrol1, cadre01, enforcer1, handler1, xx-admin, district-admin\n`);
  }
}

program
  .command('serve')
  .description('Serve the API and the web apps (never seeds; see `start`)')
  .option('--no-build', 'do not build the web apps if they are missing')
  .action((o: { build?: boolean }) => serve({ build: o.build }));

program
  .command('start')
  .description('Quick start: migrate, seed the demo on an empty database, build the web apps once, serve')
  .option('--no-build', 'do not build the web apps if they are missing')
  .action((o: { build?: boolean }) => serve({ demo: true, build: o.build }));

program
  .command('migrate')
  .description('Apply pending database migrations')
  .action(async () => {
    const ctx = await openContext();
    console.log(`Database is up to date (${ctx.handle.kind}).`);
    await ctx.handle.destroy();
  });

program
  .command('seed')
  .description('Load data')
  .option('--demo', 'the Hongqiao Subdistrict demo (plus Xianxia Xincun)')
  .addOption(new Option('--subdistricts <n>', 'extra synthetic subdistricts of Hongqiao size').argParser(intOption(0, 1000)).default(0))
  .option('--seed <n>', 'random seed', intOption(0))
  .addOption(new Option('--scale <scale>', 'benchmark data: a year of cases for one subdistrict or a whole city').choices([...SCALES]))
  .addOption(new Option('--city-subdistricts <n>', 'subdistricts in --scale city').argParser(intOption(1, 1000)).default(215))
  .addOption(new Option('--cases-per-day <n>', 'cases a day per subdistrict for --scale').argParser(intOption(0, 100_000)).default(51))
  .addOption(new Option('--days <n>', 'days of history for --scale').argParser(intOption(1, 3660)).default(365))
  .option('--services', 'with --scale: also the 一网通办 network and its records and ratings')
  .option('--services-only', 'with --scale: the 一网通办 network and its records, without the case and check-in years')
  .addOption(new Option('--records-per-day <n>', 'service records a working day per subdistrict for --services').argParser(intOption(0, 100_000)).default(60))
  .action(async (opts: { demo?: boolean; subdistricts: number; seed?: number; scale?: (typeof SCALES)[number]; citySubdistricts: number; casesPerDay: number; days: number; services?: boolean; servicesOnly?: boolean; recordsPerDay: number }) => {
    if (opts.scale) {
      await seedScale({
        scale: opts.scale, citySubdistricts: opts.citySubdistricts, casesPerDay: opts.casesPerDay, days: opts.days, seed: opts.seed,
        services: opts.services, servicesOnly: opts.servicesOnly, recordsPerDay: opts.recordsPerDay,
      });
      return;
    }
    if (!opts.demo) {
      console.error('Nothing to seed: pass --demo');
      process.exitCode = 2;
      return;
    }
    const ctx = await openContext();
    try {
      if (await isSeeded(ctx.handle.db)) {
        console.log('The demo is already seeded; nothing to do.');
        return;
      }
      const started = performance.now();
      const res = await seedDemoData(ctx, { extraSubdistricts: opts.subdistricts, seed: opts.seed });
      console.log(
        `Seeded ${res.subdistricts} subdistricts, ${res.sites} sites, ${res.users.length} staff, and four weeks of history ` +
          `(${res.history.cases} cases, ${res.history.events} events, ${res.history.checkins} check-ins) in ${Math.round(performance.now() - started)} ms. ` +
          `Password for every demo user: ${res.password}`,
      );
    } finally {
      await ctx.handle.destroy();
    }
  });

registerUserCommands(program);
registerCaseCommands(program);
registerBackupCommands(program);
registerJobsCommands(program);
registerLedgerCommands(program);
registerStorageCommands(program);
registerCalendarCommands(program);
registerDashboardCommands(program);

program.parseAsync().catch((err) => {
  console.error(pc.red(err instanceof Error ? err.message : String(err)));
  if (err && typeof err === 'object' && 'details' in err && err.details) console.error(JSON.stringify(err.details));
  process.exit(err instanceof CliError ? err.exitCode : 1);
});
