import { Rng } from '@fish-tuning/core';
import { describe, expect, it } from 'vitest';
import { bucketBatches } from '../src/index.js';

const lengths = Array.from({ length: 1000 }, (_, i) => 5 + ((i * 7919) % 120));

describe('bucketBatches', () => {
  it('is deterministic for a seed and different across seeds', () => {
    const a = bucketBatches(lengths, { batchSize: 16, seed: 42 });
    expect(bucketBatches(lengths, { batchSize: 16, seed: 42 })).toEqual(a);
    expect(bucketBatches(lengths, { batchSize: 16, seed: 43 })).not.toEqual(a);
    expect(bucketBatches(lengths, { batchSize: 16, seed: new Rng(42) })).toEqual(a);
  });

  it('uses every index exactly once', () => {
    const flat = bucketBatches(lengths, { batchSize: 16, seed: 1 }).flat();
    expect(flat.slice().sort((x, y) => x - y)).toEqual(lengths.map((_, i) => i));
  });

  it('cuts padding compared with random batches', () => {
    const padding = (batches: number[][]) =>
      batches.reduce((s, b) => s + Math.max(...b.map((i) => lengths[i])) * b.length - b.reduce((t, i) => t + lengths[i], 0), 0);
    const bucketed = bucketBatches(lengths, { batchSize: 16, seed: 1 });
    const random = bucketBatches(lengths, { batchSize: 16, seed: 1, bucketBatches: 1 });
    expect(padding(bucketed)).toBeLessThan(padding(random) / 5);
  });

  it('evaluation order: sorted by length, no seed needed; dropLast', () => {
    const b = bucketBatches([5, 1, 3, 2, 4], { batchSize: 2, shuffle: false });
    expect(b).toEqual([[1, 3], [2, 4], [0]]);
    expect(bucketBatches([5, 1, 3, 2, 4], { batchSize: 2, shuffle: false, dropLast: true })).toEqual([[1, 3], [2, 4]]);
    expect(() => bucketBatches(lengths, { batchSize: 4 })).toThrow(/option 'seed'/);
    expect(() => bucketBatches(lengths, { batchSize: 0, seed: 1 })).toThrow(/option 'batchSize'/);
  });
});
