import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Fails the run when tests changed tracked files or left new ones (test/global/git_clean.ts).
    globalSetup: ['test/global/git_clean.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores: e2e and integration tests spawn servers and Chromium; keep files sequential-ish.
    fileParallelism: true,
    maxWorkers: 2,
    reporters: ['default'],
  },
});
