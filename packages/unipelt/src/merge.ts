/**
 * UniPELT cannot be merged: every part is scaled by a gate computed from the input, and the adapter and
 * prefix parts cannot be merged at all. These functions exist so that every method package has the same
 * names; they refuse with an error naming `merge` (the tuner has no `merge`).
 * @module
 */
import { FishTuningError } from '@fish-tuning/core';
import type { UnipeltAdapter } from './inject.js';

const WHY = 'UniPELT cannot be merged into the base weights: its gates depend on the input';

export function mergeUnipelt(_adapter: UnipeltAdapter): never {
  throw new FishTuningError(WHY, { option: 'merge' });
}

export function unmergeUnipelt(_adapter: UnipeltAdapter): never {
  throw new FishTuningError(WHY, { option: 'merge' });
}
