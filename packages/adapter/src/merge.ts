/**
 * A bottleneck adapter cannot be merged: its update B σ(A y + a) + c is not linear in the input, so no
 * weight W' gives W'x = Wx + update. These functions exist so that every method package has the same
 * names; they refuse with an error naming `merge` (the tuner has no `merge`).
 * @module
 */
import { FishTuningError } from '@fish-tuning/core';
import type { BottleneckAdapter } from './inject.js';

const WHY = 'a bottleneck adapter cannot be merged into the base weights: its update is non-linear in the input';

export function mergeAdapter(_adapter: BottleneckAdapter): never {
  throw new FishTuningError(WHY, { option: 'merge' });
}

export function unmergeAdapter(_adapter: BottleneckAdapter): never {
  throw new FishTuningError(WHY, { option: 'merge' });
}
