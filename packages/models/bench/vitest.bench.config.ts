import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Runs one benchmark in this folder as a vitest "test" (workspace sources, wasm backend from the shared setup).
export default defineConfig({
  root: fileURLToPath(new URL('../../..', import.meta.url)),
  resolve: { conditions: ['@fish-tuning/source'] },
  ssr: { resolve: { conditions: ['@fish-tuning/source'] } },
  test: {
    include: ['packages/models/bench/{matmul-grad,load-memory,parity-report}.ts', 'packages/models/bench/tokenizer-merge.bench-run.ts'],
    testTimeout: 3_600_000,
    pool: 'forks',
    maxWorkers: 1,
    setupFiles: ['./packages/test-utils/src/setup.ts'],
  },
});
