import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';

describe('tfjs-core loaded through the backend packages', () => {
  it('backpropagates through ops whose stock gradients call tensor methods (gather, cast, moments, clone)', async () => {
    const table = tf.variable(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]));
    const ids = tf.tensor2d([[2, 0], [2, 1]], [2, 2], 'int32');
    const { value, grads } = tf.variableGrads(() => {
      const e = tf.gather(table, ids); // [2, 2, 2]
      const { mean, variance } = tf.moments(e, -1, true);
      const n = tf.div(tf.sub(e, mean), tf.sqrt(tf.add(variance, 1)));
      return tf.sum(tf.mul(tf.cast(n, 'float32'), tf.clone(e)));
    }, [table]);
    expect(Number.isFinite((await value.data())[0])).toBe(true);
    expect(grads[table.name].shape).toEqual([3, 2]);
    const x = tf.tensor1d([1, 2]);
    expect(Array.from(await x.clone().data())).toEqual([1, 2]);
  });
});
