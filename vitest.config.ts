import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources (the '@fish-tuning/source' export condition),
// so tests never need a build.
export default defineConfig({
  resolve: { conditions: ['@fish-tuning/source'] },
  ssr: { resolve: { conditions: ['@fish-tuning/source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
    setupFiles: ['./packages/test-utils/src/setup.ts'],
  },
});
