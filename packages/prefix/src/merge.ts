/**
 * Prefix-tuning cannot be merged: its keys and values are extra attention positions, not a change of any
 * weight. These functions exist so that every method package has the same names; they refuse with an
 * error naming `merge` (the tuner has no `merge`).
 * @module
 */
import { FishTuningError } from '@fish-tuning/core';
import type { PrefixAdapter } from './inject.js';

const WHY = 'prefix-tuning cannot be merged into the base weights: the prefix adds attention positions, not a weight change';

export function mergePrefix(_adapter: PrefixAdapter): never {
  throw new FishTuningError(WHY, { option: 'merge' });
}

export function unmergePrefix(_adapter: PrefixAdapter): never {
  throw new FishTuningError(WHY, { option: 'merge' });
}
