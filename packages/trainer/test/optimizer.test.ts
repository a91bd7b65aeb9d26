import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@fish-tuning/core';
import { expectAllClose } from '@fish-tuning/test-utils';
import { MaskedAdamW, MaskedSGD } from '../src/index.js';

/** Independent float64 reference: PyTorch AdamW arithmetic, but only where mask = 1. */
function referenceAdamW(p0: number[], grads: number[][], mask: number[], lrs: number[], o: { b1: number; b2: number; eps: number; wd: number }): number[] {
  const p = [...p0];
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  grads.forEach((g, s) => {
    const t = s + 1;
    const lr = lrs[s];
    for (let i = 0; i < p.length; i++) {
      if (!mask[i]) continue;
      p[i] *= 1 - lr * o.wd;
      m[i] = o.b1 * m[i] + (1 - o.b1) * g[i];
      v[i] = o.b2 * v[i] + (1 - o.b2) * g[i] * g[i];
      const denom = Math.sqrt(v[i]) / Math.sqrt(1 - o.b2 ** t) + o.eps;
      p[i] -= (lr / (1 - o.b1 ** t)) * (m[i] / denom);
    }
  });
  return p;
}

function setup(seed: number, shape: number[], ratio: number) {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const p0 = Array.from({ length: n }, () => rng.normal());
  const mask: number[] = Array.from({ length: n }, () => (rng.next() < ratio ? 1 : 0));
  const grads = Array.from({ length: 6 }, () => Array.from({ length: n }, () => rng.normal() * 0.1));
  return { p0, mask, grads, n };
}

describe('MaskedAdamW', () => {
  const shape = [7, 5];
  const o = { b1: 0.9, b2: 0.999, eps: 1e-8, wd: 0.1 };
  const lrs = [0.01, 0.02, 0.015, 0.01, 0.005, 0.001];

  async function run(sparseState: boolean, data: ReturnType<typeof setup>) {
    const v = tf.variable(tf.tensor(data.p0, shape));
    const mask = tf.tensor(data.mask, shape);
    const opt = new MaskedAdamW([{ name: 'w', variable: v }], new Map([['w', mask]]), { beta1: o.b1, beta2: o.b2, eps: o.eps, weightDecay: o.wd, sparseState });
    data.grads.forEach((g, s) => {
      const gt = tf.tensor(g, shape);
      opt.apply(new Map([['w', gt]]), lrs[s]);
      gt.dispose();
    });
    const out = { values: (await v.data()) as Float32Array, stateBytes: opt.stateBytes() };
    opt.dispose();
    v.dispose();
    mask.dispose();
    return out;
  }

  it('dense masked state matches a float64 reference loop; masked entries are bit-identical', async () => {
    const data = setup(1, shape, 0.3);
    const { values } = await run(false, data);
    expectAllClose(values, referenceAdamW(data.p0, data.grads, data.mask, lrs, o), 1e-5, 1e-6, 'dense masked AdamW');
    const initial = Float32Array.from(data.p0);
    data.mask.forEach((m, i) => {
      if (!m) expect(Object.is(values[i], initial[i])).toBe(true);
    });
  });

  it('sparse state gives the dense masked numbers (≤1e-6) with k-sized moments', async () => {
    const data = setup(2, shape, 0.2);
    const dense = await run(false, data);
    const sparse = await run(true, data);
    expectAllClose(sparse.values, dense.values, 0, 1e-6, 'sparse vs dense');
    const k = data.mask.reduce((a: number, b) => a + b, 0);
    expect(sparse.stateBytes).toBe(2 * k * 4);
    expect(dense.stateBytes).toBe(2 * data.n * 4);
    const initial = Float32Array.from(data.p0);
    data.mask.forEach((m, i) => {
      if (!m) expect(Object.is(sparse.values[i], initial[i])).toBe(true);
    });
  });

  it('unmasked parameters follow plain AdamW, and leaks no tensors', async () => {
    const data = setup(3, shape, 1);
    const before = tf.memory().numTensors;
    const init = tf.tensor(data.p0, shape);
    const v = tf.variable(init);
    init.dispose();
    const opt = new MaskedAdamW([{ name: 'w', variable: v }], null, { weightDecay: o.wd });
    const afterSetup = tf.memory().numTensors;
    data.grads.forEach((g, s) => {
      const gt = tf.tensor(g, shape);
      opt.apply(new Map([['w', gt]]), lrs[s], 0.5);
      gt.dispose();
    });
    expect(tf.memory().numTensors).toBe(afterSetup);
    const scaled = data.grads.map((g) => g.map((x) => x * 0.5));
    expectAllClose((await v.data()) as Float32Array, referenceAdamW(data.p0, scaled, data.mask, lrs, o), 1e-5, 1e-6, 'plain AdamW');
    opt.dispose();
    v.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a masked entry stays bit-identical even when its gradient is NaN or Inf (dense and sparse state)', async () => {
    for (const sparseState of [false, true]) {
      const v = tf.variable(tf.tensor1d([1, 2, 3]));
      const mask = tf.tensor1d([1, 0, 0]);
      const g = tf.tensor1d([0.5, Number.NaN, Number.POSITIVE_INFINITY]);
      const opt = new MaskedAdamW([{ name: 'w', variable: v }], new Map([['w', mask]]), { weightDecay: 0.01, sparseState });
      opt.apply(new Map([['w', g]]), 0.1);
      const out = await v.data();
      expect([out[1], out[2]]).toEqual([2, 3]);
      // The selected entry took PyTorch's first AdamW step: p·(1 − lr·wd) − lr·sign(g) (m̂/√v̂ = ±1 up to ε).
      expect(out[0]).toBeCloseTo(1 * (1 - 0.1 * 0.01) - 0.1, 6);
      opt.dispose();
      tf.dispose([v, mask, g]);
    }
  });

  it('rejects masks with a wrong name, shape or value', () => {
    const v = tf.variable(tf.zeros([2, 2]));
    expect(() => new MaskedAdamW([{ name: 'w', variable: v }], new Map([['x', tf.ones([2, 2])]]))).toThrow(/tensor 'x'.*not being trained/);
    expect(() => new MaskedAdamW([{ name: 'w', variable: v }], new Map([['w', tf.ones([4])]]))).toThrow(/tensor 'w'.*shape \[4\]/);
    expect(() => new MaskedAdamW([{ name: 'w', variable: v }], new Map([['w', tf.fill([2, 2], 0.5)]]))).toThrow(/entry 0 is 0.5/);
    expect(() => new MaskedAdamW([{ name: 'w', variable: v }], null, { beta1: 1 })).toThrow(/option 'beta1'/);
    v.dispose();
  });
});

describe('MaskedSGD', () => {
  it('p ← p − lr·(g + wd·p) on selected entries only, masked entries bit-identical', async () => {
    const data = setup(4, [3, 4], 0.5);
    const v = tf.variable(tf.tensor(data.p0, [3, 4]));
    const mask = tf.tensor(data.mask, [3, 4]);
    const opt = new MaskedSGD([{ name: 'w', variable: v }], new Map([['w', mask]]), { weightDecay: 0.1 });
    const expected = [...data.p0];
    data.grads.forEach((g) => {
      const gt = tf.tensor(g, [3, 4]);
      opt.apply(new Map([['w', gt]]), 0.05);
      gt.dispose();
      expected.forEach((p, i) => {
        if (data.mask[i]) expected[i] = p - 0.05 * (g[i] + 0.1 * p);
      });
    });
    const got = (await v.data()) as Float32Array;
    expectAllClose(got, expected, 1e-5, 1e-6, 'masked SGD');
    data.mask.forEach((m, i) => {
      if (!m) expect(Object.is(got[i], Math.fround(data.p0[i]))).toBe(true);
    });
    opt.dispose();
    v.dispose();
    mask.dispose();
  });
});
