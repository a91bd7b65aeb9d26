import { expect, it } from 'vitest';
import { isSplittableModel } from '@fish-tuning/core';

it('isSplittableModel needs both split hooks as functions', () => {
  const both = { forwardBottom: () => null, forwardTop: () => null };
  expect(isSplittableModel(both)).toBe(true);
  expect(isSplittableModel({ forwardBottom: () => null })).toBe(false);
  expect(isSplittableModel({ forwardBottom: () => null, forwardTop: 1 })).toBe(false);
  expect(isSplittableModel({})).toBe(false);
});
