import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Runs the benchmark in this folder as one vitest "test" (workspace sources, wasm backend from the shared setup).
export default defineConfig({
  root: fileURLToPath(new URL('../../..', import.meta.url)),
  resolve: { conditions: ['@fish-tuning/source'] },
  ssr: { resolve: { conditions: ['@fish-tuning/source'] } },
  test: {
    include: ['packages/fisher/bench/fisher-vs-batch.ts'],
    testTimeout: 3_600_000,
    pool: 'forks',
    maxWorkers: 1,
    setupFiles: ['./packages/test-utils/src/setup.ts'],
  },
});
