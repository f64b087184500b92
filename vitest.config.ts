import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores: e2e and integration tests spawn servers and Chromium; keep files sequential-ish.
    fileParallelism: true,
    maxWorkers: 2,
    reporters: ['default'],
  },
});
