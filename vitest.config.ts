import { defineConfig } from 'vitest/config';

/**
 * Unit tests (`*.test.ts`) and integration tests (`*.integration.test.ts`, real database: PGlite by
 * default, PostgreSQL when TEST_DATABASE_URL is set) run beside the code; cross-module flows and
 * browser tests live in test/.
 */
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'emulator/**/*.test.ts', 'web/src/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/setup-file.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 20_000,
    reporters: ['default'],
  },
});
