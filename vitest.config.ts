import { defineConfig } from 'vitest/config';

// Tests spawn servers and processes; run files in forks, a few at a time, on a 2-core machine.
// The second reporter closes the run with one line on tests skipped for a missing system binary.
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'reports/**'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './common/testing/system-deps-reporter.ts'],
  },
});
