import { defineConfig } from 'vitest/config';
import * as path from 'node:path';

// Runs the benchmark scripts (not part of the test suite) with the same module resolution as tests.
export default defineConfig({
  root: path.resolve(__dirname, '../../..'),
  resolve: { conditions: ['@fish-tuning/source'] },
  ssr: { resolve: { conditions: ['@fish-tuning/source'] } },
  test: {
    include: ['packages/trainer/bench/*.bench-run.ts'],
    testTimeout: 3_600_000,
    pool: 'forks',
    maxWorkers: 1,
    setupFiles: ['./packages/test-utils/src/setup.ts'],
  },
});
