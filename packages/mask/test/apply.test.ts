import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { maskGradients } from '../src/index.js';

describe('masked gradients', () => {
  it('maskGradients multiplies masked names and passes others through', async () => {
    const g = tf.tensor2d([[1, 2], [3, 4]]);
    const head = tf.tensor1d([5, 6]);
    const m = tf.tensor2d([[1, 0], [0, 1]]);
    const out = maskGradients(new Map<string, tf.Tensor>([['a', g], ['head', head]]), new Map([['a', m]]));
    expect(Array.from(await out.get('a')!.data())).toEqual([1, 0, 0, 4]);
    expect(out.get('head')).toBe(head);
    expect(() => maskGradients(new Map([['a', head]]), new Map([['a', m]]))).toThrow(/tensor 'a'.*does not match/);
    tf.dispose([g, head, m, out.get('a')!]);
  });
});
