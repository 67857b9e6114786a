import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file builds its own app on its own database, so files run in parallel safely.
    fileParallelism: true,
    // Vitest's default is one file at a time on two cores (CPUs - 1); much of the suite waits on
    // sockets, child processes and timers, so two at a time there takes the run from ~7 to ~5.5 min.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
