import { defineConfig } from 'vitest/config';

/**
 * One worker, files one after another, modules shared between files: the embedded database
 * (PGlite with PostGIS) takes 15 s and about 1 GB to open, so the whole run opens it once.
 * Set TEST_DATABASE_URL to run the same suite on PostgreSQL.
 */
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
