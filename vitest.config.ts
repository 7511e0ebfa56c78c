import { defineConfig } from 'vitest/config';

// Two projects: `unit` runs pure tests beside the code with no servers; `integration`
// talks to real PostgreSQL, Redis and one Temporal dev server started by the global setup.
// The Temporal SDK's native bridge needs the `forks` pool.
export default defineConfig({
  test: {
    pool: 'forks',
    // CI also writes a JSON summary, which .ci/run turns into one plain "N passed, N failed" line.
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.vitest-results.json' }]] : ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['{core,api,activities,workflows,temporal,widget,scripts,supervisor,dashboard,bench}/**/*.test.ts'],
          globalSetup: ['tests/setup/shared-notice.ts'],
          setupFiles: ['tests/setup/console-guard.ts'],
          testTimeout: 30_000,
          // Loaded 2-core CI machines: starting PGlite or a worker thread can take seconds.
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts', 'tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/setup/shared-notice.ts', 'tests/setup/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
