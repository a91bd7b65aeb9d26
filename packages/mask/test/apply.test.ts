import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { adamWMoments, maskGradients, maskedAdamWUpdate, maskToTensors, selectMask } from '../src/index.js';

/** Float64 AdamW (PyTorch's algorithm) for one scalar entry: the independent reference. */
function refAdamW(theta: number, grads: number[], lr: number, wd: number, b1 = 0.9, b2 = 0.999, eps = 1e-8): number {
  let m = 0;
  let v = 0;
  grads.forEach((g, i) => {
    const t = i + 1;
    theta *= 1 - lr * wd;
    m = b1 * m + (1 - b1) * g;
    v = b2 * v + (1 - b2) * g * g;
    theta -= (lr * (m / (1 - b1 ** t))) / (Math.sqrt(v / (1 - b2 ** t)) + eps);
  });
  return theta;
}

describe('masked training updates', () => {
  it('a masked entry is bit-identical after 100 AdamW steps with weight decay; the others follow AdamW', async () => {
    const shape = [6, 5];
    const init = tf.randomNormal(shape, 0, 1, 'float32', 3);
    const param = tf.variable(init);
    const scores = new Map([['w', { shape, data: (await tf.randomUniform(shape, 0, 1, 'float32', 4).data()) as Float32Array }]]);
    const mask = selectMask(scores, { count: 9 });
    const masks = maskToTensors(mask);
    const moments = adamWMoments(param);
    const before = Float32Array.from(await param.data());
    const gradHistory: Float32Array[] = [];
    const tensorsBefore = tf.memory().numTensors;
    for (let t = 1; t <= 100; t++) {
      // Gradients that are large (and sometimes NaN-free but huge) everywhere, also on masked entries.
      const g = tf.tidy(() => tf.mul(tf.randomNormal(shape, 0, 1, 'float32', 100 + t), 10));
      gradHistory.push((await g.data()) as Float32Array);
      const masked = maskGradients(new Map([['w', g]]), masks);
      maskedAdamWUpdate(param, masked.get('w')!, moments, masks.get('w')!, t, { lr: 1e-2, weightDecay: 0.1 });
      tf.dispose([g, masked.get('w')!]);
    }
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    const after = await param.data();
    const bits = (x: ArrayLike<number>) => new Uint32Array(Float32Array.from(x).buffer);
    const [b0, b1] = [bits(before), bits(after)];
    const sel = mask.tensors.get('w')!.data;
    let changed = 0;
    for (let i = 0; i < sel.length; i++) {
      if (!sel[i]) expect(b1[i], `entry ${i}`).toBe(b0[i]);
      else {
        changed++;
        const want = refAdamW(before[i], gradHistory.map((g) => g[i]), 1e-2, 0.1);
        expect(Math.abs(after[i] - want)).toBeLessThanOrEqual(1e-4 * Math.abs(want) + 1e-5);
        expect(after[i]).not.toBe(before[i]);
      }
    }
    expect(changed).toBe(9);
    // The masked moments stayed zero.
    const m = await moments.m.data();
    sel.forEach((s, i) => !s && expect(m[i]).toBe(0));
    tf.dispose([init, param, moments.m, moments.v, ...masks.values()]);
  });

  it('a masked entry stays bit-identical even when its gradient is NaN or Inf', async () => {
    const param = tf.variable(tf.tensor1d([1, 2, 3]));
    const moments = adamWMoments(param);
    const mask = tf.tensor1d([1, 0, 0]);
    const g = tf.tensor1d([0.5, Number.NaN, Number.POSITIVE_INFINITY]);
    maskedAdamWUpdate(param, g, moments, mask, 1, { lr: 0.1, weightDecay: 0.01 });
    const v = await param.data();
    expect(v[1]).toBe(2);
    expect(v[2]).toBe(3);
    expect(v[0]).not.toBe(1);
    tf.dispose([param, moments.m, moments.v, mask, g]);
  });

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
