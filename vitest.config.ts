import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    // A log folder per run; its teardown fails the run if any server log names a demo phone or ID number.
    // Template databases every test copies instead of migrating its own (test/helpers/db-templates.ts).
    globalSetup: ['./test/global/log-audit.ts', './test/global/db-templates.ts'],
    pool: 'forks',
    // Each fork runs file after file with the modules it has loaded: importing the app afresh for every
    // file cost ~2.5 s a file. So no test may leave process-wide state behind: what a file changes
    // (environment variables, timers, spies, module-level registries) it puts back.
    poolOptions: { forks: { maxForks: 2, minForks: 1, isolate: false } },
    // A test's own time on a 2-core machine shared with PostgreSQL and Chromium: the slowest take
    // 25–35 s on a slow one (a property test generating weeks of history, a browser walk of every
    // role), so a failure by timeout says the machine, not the code.
    testTimeout: 90_000,
    hookTimeout: 120_000,
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
