import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Module, Linear, namedModules, setSubmodule, getSubmodule, injectModules, restoreModules, Rng, withParamOverrides, paramValue, matmulWeight } from '@fish-tuning/core';
import { expectAllClose } from '@fish-tuning/test-utils';

class Block extends Module {
  q = Linear.fromWeight(tf.ones([2, 3]) as tf.Tensor2D);
  v = Linear.fromWeight(tf.ones([2, 3]) as tf.Tensor2D);
}
class Tree extends Module {
  layers = [new Block(), new Block()];
  head = Linear.fromWeight(tf.ones([1, 2]) as tf.Tensor2D);
}

describe('module tree', () => {
  it('lists HF-style dotted paths and swaps modules in arrays and fields', () => {
    const t = new Tree();
    expect(namedModules(t).map(([p]) => p)).toEqual(['', 'layers.0', 'layers.0.q', 'layers.0.v', 'layers.1', 'layers.1.q', 'layers.1.v', 'head']);
    const replacement = Linear.fromWeight(tf.zeros([2, 3]) as tf.Tensor2D);
    const old = setSubmodule(t, 'layers.1.q', replacement);
    expect(getSubmodule(t, 'layers.1.q')).toBe(replacement);
    setSubmodule(t, 'layers.1.q', old);
    expect(t.layers[1].q).toBe(old);
    expect(() => setSubmodule(t, 'layers.1.k', old)).toThrow(/no module at 'layers.1.k'/);
  });

  it('injects and restores matched modules only', () => {
    const t = new Tree();
    const originals = [t.layers[0].q, t.layers[1].q];
    const inj = injectModules(t, { target_modules: ['q'], layers_to_transform: [1] }, (m) => m instanceof Linear, () => Linear.fromWeight(tf.zeros([2, 3]) as tf.Tensor2D));
    expect(inj.map((i) => i.path)).toEqual(['layers.1.q']);
    expect(t.layers[0].q).toBe(originals[0]);
    expect(t.layers[1].q).not.toBe(originals[1]);
    restoreModules(t, inj);
    expect(t.layers[1].q).toBe(originals[1]);
    expect(() => injectModules(t, { target_modules: ['k'] }, () => true, () => new Block())).toThrow(/option 'target_modules'.*no module matched/);
  });
});

describe('Linear and per-sample weights', () => {
  it('computes x·Wᵀ + b like a loop and supports a per-sample weight view', async () => {
    const W = [
      [1, 2, 3],
      [-1, 0.5, 2],
    ];
    const x = [
      [0.5, -1, 2],
      [3, 1, -2],
    ];
    const lin = Linear.fromWeight(tf.tensor2d(W), tf.tensor1d([0.1, -0.2]));
    const y = lin.forward(tf.tensor2d(x));
    const ref = x.map((row) => W.map((w, o) => w.reduce((s, v, k) => s + v * row[k], 0) + [0.1, -0.2][o]));
    expectAllClose(await y.data(), ref.flat(), 1e-6);

    const v = tf.variable(tf.tensor2d(W));
    const perSample = tf.stack([v, tf.mul(v, 2)]);
    const out = withParamOverrides(new Map([[v, perSample]]), () => matmulWeight(tf.tensor3d([[x[0]], [x[1]]]), paramValue(v)));
    const data = await out.data();
    expectAllClose([data[0], data[1]], [ref[0][0] - 0.1, ref[0][1] + 0.2], 1e-6);
    expectAllClose([data[2], data[3]], [2 * (ref[1][0] - 0.1), 2 * (ref[1][1] + 0.2)], 1e-6);
    expect(paramValue(v)).toBe(v);
  });
});

describe('Rng', () => {
  it('is reproducible from a seed and from a saved state', () => {
    const a = new Rng(42);
    a.next();
    const state = a.state();
    const rest = [a.next(), a.next(), a.int(10)];
    const b = new Rng(state);
    expect([b.next(), b.next(), b.int(10)]).toEqual(rest);
    expect(new Rng(1).next()).not.toBe(new Rng(2).next());
  });
});
