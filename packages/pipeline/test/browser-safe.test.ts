import { expect, it } from 'vitest';
import { browserBundleProblems } from '@fish-tuning/test-utils';

it('the main entry of @fish-tuning/pipeline (fishTune) bundles for the browser without Node modules', async () => {
  expect(await browserBundleProblems('packages/pipeline/src/index.ts')).toEqual([]);
});
