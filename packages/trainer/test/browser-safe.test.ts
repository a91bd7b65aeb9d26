import { describe, expect, it } from 'vitest';
import { browserBundleProblems } from '@fish-tuning/test-utils';

describe('browser safety', () => {
  it('the main entry of @fish-tuning/trainer bundles for the browser without Node modules', async () => {
    expect(await browserBundleProblems('packages/trainer/src/index.ts')).toEqual([]);
  });

  it('the node entry does need Node (the check can fail)', async () => {
    expect((await browserBundleProblems('packages/trainer/src/node-entry.ts')).length).toBeGreaterThan(0);
  });
});
