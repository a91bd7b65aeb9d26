import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';

describe('Cast / AddN gradients (functional clone)', () => {
  it('backpropagates through a same-dtype cast and tf.moments (LayerNorm)', () => {
    const x = tf.tensor2d([[1, 2, 4], [0, -1, 3]]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.cast(tf.mul(v, v), 'float32')))(x);
    expect(Array.from(g.dataSync())).toEqual([2, 4, 8, 0, -2, 6]);
    const viaMoments = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.moments(v, -1, true).variance, tf.scalar(1))))(x);
    const manual = tf.grad((v: tf.Tensor) => {
      const mean = tf.mean(v, -1, true);
      return tf.sum(tf.mean(tf.square(tf.sub(v, mean)), -1, true));
    })(x);
    const a = viaMoments.dataSync();
    manual.dataSync().forEach((m, i) => expect(a[i]).toBeCloseTo(m, 6));
  });
  it('AddN passes the gradient to every input', () => {
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.addN([v, v, v]), v)))(tf.tensor1d([1, 2]));
    expect(Array.from(g.dataSync())).toEqual([6, 12]);
  });
});
