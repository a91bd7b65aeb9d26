import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Runs the benchmark scripts in this folder as one vitest "test" each (vitest resolves tfjs-core's
// extension-less dist imports and the workspace sources), on the wasm backend from the shared setup.
export default defineConfig({
  root: fileURLToPath(new URL('../../..', import.meta.url)),
  resolve: { conditions: ['@fish-tuning/source'] },
  ssr: { resolve: { conditions: ['@fish-tuning/source'] } },
  test: {
    include: ['packages/models/bench/{matmul-grad,load-memory,parity-report}.ts'],
    testTimeout: 1_800_000,
    pool: 'forks',
    maxWorkers: 1,
    setupFiles: ['./packages/test-utils/src/setup.ts'],
  },
});
