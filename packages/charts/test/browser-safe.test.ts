import { expect, it } from 'vitest';
import { browserBundleProblems } from '@fish-tuning/test-utils';

it('the main entry of @fish-tuning/charts (specs, renderSvg, renderInto) bundles for the browser without Node modules', async () => {
  expect(await browserBundleProblems('packages/charts/src/index.ts')).toEqual([]);
});
