import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { IGNORE_INDEX, collate, disposeBatch, exampleLength, padRows, sliceBatch, type Example } from '../src/index.js';

const rows: Example[] = [
  { inputIds: [5, 6, 7], labels: [5, 6, 7] },
  { inputIds: [8], attentionMask: [1], labels: [IGNORE_INDEX] },
  { inputIds: [1, 2], attentionMask: [1, 0], tokenTypeIds: [0, 1], labels: [1, IGNORE_INDEX] },
];

describe('the one collation', () => {
  it('pads right: ids with the pad id, mask and token types with 0, token labels with -100', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const b = collate(rows, 'causal-lm', { padTokenId: 9 });
    expect(await b.inputIds.array()).toEqual([[5, 6, 7], [8, 9, 9], [1, 2, 9]]);
    expect(await b.attentionMask!.array()).toEqual([[1, 1, 1], [1, 0, 0], [1, 0, 0]]);
    expect(await b.tokenTypeIds!.array()).toEqual([[0, 0, 0], [0, 0, 0], [0, 1, 0]]);
    expect(await b.labels!.array()).toEqual([[5, 6, 7], [-100, -100, -100], [1, -100, -100]]);
    expect([b.inputIds.dtype, b.labels!.dtype]).toEqual(['int32', 'int32']);
    const one = sliceBatch(b, 2);
    expect(await one.inputIds.array()).toEqual([[1, 2, 9]]);
    disposeBatch(one);
    disposeBatch(b);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('scalar labels: int32 class ids, float32 regression scores, none for prediction', async () => {
    const cls = collate([{ inputIds: [1, 2], labels: 1 }, { inputIds: [3], labels: 0 }], 'classification');
    expect([cls.labels!.dtype, await cls.labels!.array()]).toEqual(['int32', [1, 0]]);
    expect(cls.tokenTypeIds).toBeUndefined();
    const reg = collate([{ inputIds: [1], labels: 0.25 }], 'regression');
    expect([reg.labels!.dtype, await reg.labels!.array()]).toEqual(['float32', [0.25]]);
    const bare = collate([{ inputIds: [1] }], 'classification');
    expect(bare.labels).toBeUndefined();
    [cls, reg, bare].forEach(disposeBatch);
  });

  it('refuses labels of the wrong kind and misaligned rows, naming the field', () => {
    expect(() => collate([{ inputIds: [1], labels: 1 }], 'causal-lm')).toThrow(/option 'labels'.*causal LM needs token labels/);
    expect(() => collate([{ inputIds: [1], labels: [1] }], 'classification')).toThrow(/option 'labels'.*one number/);
    expect(() => collate([{ inputIds: [1, 2], attentionMask: [1] }], 'classification')).toThrow(/option 'attentionMask'.*1 entries, inputIds 2/);
    expect(() => collate([], 'classification')).toThrow(/empty batch/);
    expect(() => padRows([{ inputIds: [1, 2] }], { padTo: 1 })).toThrow(/option 'padTo'/);
  });

  it('padRows gives the same padding as plain rows; exampleLength counts attended tokens', () => {
    expect(padRows(rows, { padTo: 4 })).toEqual({
      inputIds: [[5, 6, 7, 0], [8, 0, 0, 0], [1, 2, 0, 0]],
      attentionMask: [[1, 1, 1, 0], [1, 0, 0, 0], [1, 0, 0, 0]],
      tokenTypeIds: [[0, 0, 0, 0], [0, 0, 0, 0], [0, 1, 0, 0]],
      labels: [[5, 6, 7, -100], [-100, -100, -100, -100], [1, -100, -100, -100]],
      length: 4,
    });
    expect(padRows([{ inputIds: [4], labels: 2 }, { inputIds: [4, 5], labels: 0 }]).rowLabels).toEqual([2, 0]);
    expect(rows.map(exampleLength)).toEqual([3, 1, 1]);
  });
});
