import { describe, expect, it } from 'vitest';
import {
  accuracy,
  averageRanks,
  f1Binary,
  glueAverage,
  glueMetric,
  matthewsCorrelation,
  pearson,
  spearman,
} from '../src/index.js';

// Every expected value below is worked out by hand (or by a naive formula written here) on tiny vectors.

describe('accuracy and F1', () => {
  const preds = [1, 0, 1, 1, 0, 1];
  const labels = [1, 0, 0, 1, 1, 1];
  // TP = 3 (idx 0, 3, 5), FP = 1 (idx 2), FN = 1 (idx 4), TN = 1 (idx 1).
  it('accuracy = 4/6', () => expect(accuracy(preds, labels)).toBeCloseTo(4 / 6, 12));
  it('F1 = 2·3 / (2·3 + 1 + 1) = 0.75', () => expect(f1Binary(preds, labels)).toBeCloseTo(0.75, 12));
  it('MRPC score = (accuracy + F1) / 2', () => {
    const r = glueMetric('mrpc', preds, labels);
    expect(r.metrics).toEqual({ accuracy: 4 / 6, f1: 0.75 });
    expect(r.score).toBeCloseTo((4 / 6 + 0.75) / 2, 12);
  });
});

describe('Matthews correlation', () => {
  it('binary: (TP·TN − FP·FN) / √((TP+FP)(TP+FN)(TN+FP)(TN+FN))', () => {
    // TP = 3, TN = 1, FP = 1, FN = 1 → (3 − 1) / √(4·4·2·2) = 2 / 8 = 0.25.
    expect(matthewsCorrelation([1, 0, 1, 1, 0, 1], [1, 0, 0, 1, 1, 1])).toBeCloseTo(0.25, 12);
  });
  it('perfect, inverted and constant predictions', () => {
    expect(matthewsCorrelation([0, 1, 1, 0], [0, 1, 1, 0])).toBe(1);
    expect(matthewsCorrelation([1, 0, 0, 1], [0, 1, 1, 0])).toBe(-1);
    expect(matthewsCorrelation([1, 1, 1, 1], [0, 1, 1, 0])).toBe(0); // undefined → 0, as sklearn
  });
  it('another hand case: TP=2, TN=3, FP=1, FN=2', () => {
    const preds = [1, 1, 1, 0, 0, 0, 0, 0];
    const labels = [1, 1, 0, 1, 1, 0, 0, 0];
    const expected = (2 * 3 - 1 * 2) / Math.sqrt(3 * 4 * 4 * 5);
    expect(matthewsCorrelation(preds, labels)).toBeCloseTo(expected, 12);
    expect(glueMetric('cola', preds, labels).score).toBeCloseTo(expected, 12);
  });
});

describe('Pearson and Spearman', () => {
  it('Pearson on x = [1, 2, 3, 4], y = [2, 4, 5, 9]', () => {
    // means 2.5 and 5; dx = [-1.5, -.5, .5, 1.5], dy = [-3, -1, 0, 4]
    // Σdxdy = 4.5 + .5 + 0 + 6 = 11; Σdx² = 5; Σdy² = 26 → r = 11 / √130.
    expect(pearson([1, 2, 3, 4], [2, 4, 5, 9])).toBeCloseTo(11 / Math.sqrt(130), 12);
  });
  it('average ranks for ties', () => {
    expect(averageRanks([10, 20, 20, 30, 20])).toEqual([1, 3, 3, 5, 3]);
    expect(averageRanks([3, 1, 2])).toEqual([3, 1, 2]);
  });
  it('Spearman without ties = 1 − 6Σd² / (n(n² − 1))', () => {
    const x = [1.5, 3.1, 0.2, 4.8, 2.2];
    const y = [2.0, 1.0, 0.5, 4.0, 3.5];
    // ranks x = [2, 4, 1, 5, 3], ranks y = [3, 2, 1, 5, 4]; d = [-1, 2, 0, 0, -1]; Σd² = 6
    expect(spearman(x, y)).toBeCloseTo(1 - (6 * 6) / (5 * 24), 12);
  });
  it('Spearman with ties = Pearson of the average ranks (hand-ranked)', () => {
    const x = [1, 2, 2, 3];
    const y = [1, 3, 2, 4];
    // ranks x = [1, 2.5, 2.5, 4]; ranks y = [1, 3, 2, 4]; both mean 2.5
    // dx = [-1.5, 0, 0, 1.5], dy = [-1.5, .5, -.5, 1.5]; Σdxdy = 4.5; Σdx² = 4.5; Σdy² = 5
    expect(spearman(x, y)).toBeCloseTo(4.5 / Math.sqrt(4.5 * 5), 12);
  });
  it('STS-B score is the mean of Pearson and Spearman', () => {
    const r = glueMetric('stsb', [1, 2, 3, 4], [2, 4, 5, 9]);
    expect(r.metrics.pearson).toBeCloseTo(11 / Math.sqrt(130), 12);
    expect(r.metrics.spearman).toBe(1);
    expect(r.score).toBeCloseTo((11 / Math.sqrt(130) + 1) / 2, 12);
  });
});

describe('glueMetric and glueAverage', () => {
  it('accuracy tasks', () => {
    for (const task of ['sst2', 'rte', 'wnli', 'glue/SST-2']) {
      expect(glueMetric(task, [0, 1, 1, 0], [0, 1, 0, 0]).score).toBe(0.75);
    }
  });
  it('average of task scores', () => {
    const a = glueMetric('sst2', [0, 1, 1, 0], [0, 1, 0, 0]); // 0.75
    const b = glueMetric('rte', [0, 1], [0, 0]); // 0.5
    expect(glueAverage([a, b])).toBe(0.625);
    expect(() => glueAverage([a, a])).toThrow(/appears twice/);
  });
  it('errors name the option at fault', () => {
    expect(() => glueMetric('sst2', [0, 1], [0])).toThrow(/option 'predictions'.*2 predictions but 1 labels/);
    expect(() => glueMetric('sst2', [0, 1], [0, -1])).toThrow(/option 'labels'.*unlabeled/);
    expect(() => glueMetric('qqp', [0], [0])).toThrow(/option 'task'.*unknown GLUE task 'qqp'/);
  });
});
