import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Native modules (better-sqlite3, keytar) are happiest in child processes.
    pool: 'forks',
    maxWorkers: 2,
  },
});
