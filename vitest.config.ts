import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    // A log folder per run; its teardown fails the run if any server log names a demo phone or ID number.
    // Template databases every test copies instead of migrating its own (test/helpers/db-templates.ts).
    globalSetup: ['./test/global/log-audit.ts', './test/global/db-templates.ts'],
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 30_000,
    hookTimeout: 120_000,
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
