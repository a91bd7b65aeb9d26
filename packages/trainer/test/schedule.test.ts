import { describe, expect, it } from 'vitest';
import { collate, disposeBatch } from '@fish-tuning/core';
import { clipScale, learningRateSchedule, microBatches, epochOrder } from '../src/index.js';

describe('learning-rate schedules (transformers semantics)', () => {
  it('linear with warm-up', () => {
    const f = learningRateSchedule({ schedule: 'linear', lr: 1, totalSteps: 10, warmupRatio: 0.2 });
    expect([0, 1, 2, 6, 10].map(f)).toEqual([0, 0.5, 1, 0.5, 0]);
  });
  it('cosine and constant', () => {
    const c = learningRateSchedule({ schedule: 'cosine', lr: 2, totalSteps: 10 });
    expect(c(0)).toBeCloseTo(2, 12);
    expect(c(5)).toBeCloseTo(1, 12);
    expect(c(10)).toBeCloseTo(0, 12);
    const k = learningRateSchedule({ schedule: 'constant', lr: 3, totalSteps: 10, warmupRatio: 0.5 });
    expect([1, 5, 9].map(k)).toEqual([0.6, 3, 3]);
  });
  it('names the bad option', () => {
    expect(() => learningRateSchedule({ schedule: 'step' as never, lr: 1, totalSteps: 3 })).toThrow(/option 'schedule'.*linear, cosine, constant/);
    expect(() => learningRateSchedule({ schedule: 'linear', lr: 1, totalSteps: 3, warmupRatio: 2 })).toThrow(/option 'warmupRatio'/);
  });
});

describe('batching', () => {
  it('micro-batches never exceed the token budget and keep order', () => {
    const ex = [3, 5, 2, 8, 8, 1, 4].map((n, i) => ({ inputIds: new Array(n).fill(i) }));
    const groups = microBatches(ex, 16);
    expect(groups.flat()).toEqual(ex);
    for (const g of groups) expect(g.length * Math.max(...g.map((e) => e.inputIds.length))).toBeLessThanOrEqual(16);
    expect(microBatches([{ inputIds: new Array(40).fill(0) }], 16)).toHaveLength(1);
  });
  it('epoch order is a permutation fixed by (seed, epoch)', () => {
    const a = epochOrder(50, 3, 1);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(epochOrder(50, 3, 1)).toEqual(a);
    expect(epochOrder(50, 3, 2)).not.toEqual(a);
  });
  it('collates causal-LM labels with -100 padding', async () => {
    const b = collate([{ inputIds: [1, 2, 3], labels: [1, 2, 3] }, { inputIds: [4], labels: [-100] }], 'causal-lm');
    expect(await b.labels!.array()).toEqual([[1, 2, 3], [-100, -100, -100]]);
    expect(await b.attentionMask!.array()).toEqual([[1, 1, 1], [1, 0, 0]]);
    disposeBatch(b);
  });
  it('clipScale follows clip_grad_norm_', () => {
    expect(clipScale(10, 1)).toBeCloseTo(1 / (10 + 1e-6), 12);
    expect(clipScale(0.5, 1)).toBe(1);
    expect(clipScale(10, null)).toBe(1);
  });
});
