/**
 * Which rows Fisher reads: N rows drawn from the train split with a seed (the paper's setting), or
 * the first N in file order. Drawing is without replacement, so no sample is counted twice.
 * @module
 */
import { FishTuningError, Rng } from '@fish-tuning/core';

export type SampleOrder = 'random' | 'first';

/** Row indices to use: `n` of `total`, seeded shuffle (`random`) or `0..n-1` (`first`). */
export function chooseSamples(total: number, n: number, order: SampleOrder = 'random', seed = 0): number[] {
  if (!Number.isInteger(n) || n < 1) throw new FishTuningError(`samples must be a positive integer, got ${n}`, { option: 'samples' });
  if (n > total) throw new FishTuningError(`asked for ${n} samples but the data has only ${total} rows`, { option: 'samples' });
  if (order === 'first') return Array.from({ length: n }, (_, i) => i);
  if (order !== 'random') throw new FishTuningError(`unknown order '${order as string}'; accepted: random, first`, { option: 'order' });
  // Partial Fisher–Yates: O(total) memory once, O(n) draws.
  const idx = Array.from({ length: total }, (_, i) => i);
  const rng = new Rng(seed);
  for (let i = 0; i < n; i++) {
    const j = i + rng.int(total - i);
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx.slice(0, n);
}

/** The paper's sample counts: 128 for classification/regression, 256 for generation. */
export function defaultSampleCount(task: string): number {
  return task === 'causal-lm' ? 256 : 128;
}
