/** The native 'tensorflow' backend (tfjs-node on libtensorflow 2.21 from PyPI) vs the cpu backend. */
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { compareBackends, OP_CASES } from '@fish-tuning/test-utils';
import { nativeSetUp } from './native-available.js';

describe.runIf(nativeSetUp())('backend conformance: tensorflow vs cpu', () => {
  it(`selects 'tensorflow' on libtensorflow 2.21 and agrees on all ${OP_CASES.length} op cases and their gradients`, async () => {
    const { ready } = await import('@fish-tuning/backend-node');
    const info = await ready();
    expect(info).toMatchObject({ backend: 'tensorflow', package: '@tensorflow/tfjs-node', gpu: false });
    expect(info.libtensorflow).toMatch(/^2\.21\./);
    expect(tf.getBackend()).toBe('tensorflow');
    const { cases, outputs, bad } = await compareBackends('tensorflow');
    expect(cases).toBe(OP_CASES.length);
    expect(outputs).toBeGreaterThan(cases);
    expect(bad).toEqual([]);
  });

  it('keeps the tensor count flat over repeated training-like steps', async () => {
    await tf.setBackend('tensorflow');
    const w = tf.variable(tf.randomNormal([8, 4], 0, 1, 'float32', 1));
    const x = tf.randomNormal([16, 8], 0, 1, 'float32', 2);
    const step = () => tf.tidy(() => {
      const g = tf.grad((v: tf.Tensor) => tf.mean(tf.square(tf.matMul(x, v))))(w);
      w.assign(tf.sub(w, tf.mul(g, 0.1)));
    });
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([w, x]);
  });
});
