/**
 * Length-bucketed batching: examples of similar length share a batch so padding is small, while
 * the order stays random across epochs and is fully determined by the seed.
 *
 * Training (`shuffle: true`): shuffle all indices, cut them into windows of `batchSize ×
 * bucketBatches`, sort each window by length, cut it into batches, then shuffle the batches.
 * Evaluation (`shuffle: false`): sort all indices by length (stable) and cut into batches.
 * @module
 */
import { FishTuningError, Rng } from '@fish-tuning/core';

export interface BucketBatchesOptions {
  batchSize: number;
  /** Seed of the shuffle (the same seed gives the same batches), or a caller-owned core Rng. Required when shuffling. */
  seed?: number | Rng;
  /** Default true. */
  shuffle?: boolean;
  /** Batches per sorting window; default 50. */
  bucketBatches?: number;
  /** Drop the last batch when it is smaller than batchSize; default false. */
  dropLast?: boolean;
}

/** Batches of example indices, given each example's length (e.g. `features.map(f => f.inputIds.length)`). */
export function bucketBatches(lengths: readonly number[], options: BucketBatchesOptions): number[][] {
  const { batchSize, shuffle = true, bucketBatches: perWindow = 50, dropLast = false } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new FishTuningError(`batchSize must be a positive integer, got ${batchSize}`, { option: 'batchSize' });
  }
  if (!Number.isInteger(perWindow) || perWindow < 1) {
    throw new FishTuningError(`bucketBatches must be a positive integer, got ${perWindow}`, { option: 'bucketBatches' });
  }
  if (shuffle && options.seed === undefined) {
    throw new FishTuningError('a seed is required when shuffling', { option: 'seed' });
  }
  const byLength = (a: number, b: number) => lengths[a] - lengths[b] || a - b;
  const indices = lengths.map((_, i) => i);
  const rng = options.seed instanceof Rng ? options.seed : new Rng(options.seed ?? 0);
  let windows: number[][];
  if (shuffle) {
    rng.shuffle(indices);
    const w = batchSize * perWindow;
    windows = [];
    for (let i = 0; i < indices.length; i += w) windows.push(indices.slice(i, i + w).sort(byLength));
  } else {
    windows = [indices.sort(byLength)];
  }
  const batches: number[][] = [];
  for (const win of windows) {
    for (let i = 0; i < win.length; i += batchSize) batches.push(win.slice(i, i + batchSize));
  }
  const kept = dropLast ? batches.filter((b) => b.length === batchSize) : batches;
  return shuffle ? rng.shuffle(kept) : kept;
}
