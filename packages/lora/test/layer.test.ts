import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { Rng, withParamOverrides } from '@fish-tuning/core';
import { expectAllClose } from '@fish-tuning/test-utils';
import { LoraLinear, kaimingUniform } from '../src/index.js';
import { randomLinear } from './toy.js';

/** y = W x + bias + s·B(A x), with plain double-precision loops. */
function reference(x: Float32Array, n: number, w: Float32Array, bias: Float32Array, a: Float32Array, b: Float32Array, inF: number, outF: number, r: number, s: number): Float64Array {
  const y = new Float64Array(n * outF);
  for (let i = 0; i < n; i++) {
    const ax = new Float64Array(r);
    for (let k = 0; k < r; k++) for (let j = 0; j < inF; j++) ax[k] += a[k * inF + j] * x[i * inF + j];
    for (let o = 0; o < outF; o++) {
      let v = bias[o];
      for (let j = 0; j < inF; j++) v += w[o * inF + j] * x[i * inF + j];
      for (let k = 0; k < r; k++) v += s * b[o * r + k] * ax[k];
      y[i * outF + o] = v;
    }
  }
  return y;
}

describe('LoraLinear', () => {
  const rng = new Rng(7);
  const inF = 10, outF = 7, r = 3, s = 1.7;

  it('forward with a random adapter equals a loop reference (≤1e-5)', () => {
    const base = randomLinear(rng, inF, outF);
    const a = kaimingUniform(rng, [r, inF], inF);
    const b = kaimingUniform(rng, [outF, r], r);
    const layer = new LoraLinear(base, a, b, { r, scaling: s, dropout: 0.3 });
    const x = tf.randomNormal([2, 3, inF], 0, 1, 'float32', 3);
    const y = layer.forward(x); // no context: eval mode, dropout off
    expect(y.shape).toEqual([2, 3, outF]);
    const want = reference(x.dataSync() as Float32Array, 6, base.weight().dataSync() as Float32Array, base.bias!.dataSync() as Float32Array, a.dataSync() as Float32Array, b.dataSync() as Float32Array, inF, outF, r, s);
    expectAllClose(y.dataSync(), want, 1e-5, 1e-5, 'lora forward');
    tf.dispose([x, y, a, b]);
    layer.dispose();
    base.dispose();
  });

  it('per-sample parameter copies give the shared forward, and per-sample gradients', () => {
    const base = randomLinear(rng, inF, outF);
    const a0 = kaimingUniform(rng, [r, inF], inF);
    const b0 = kaimingUniform(rng, [outF, r], r);
    const layer = new LoraLinear(base, a0, b0, { r, scaling: s, dropout: 0 });
    const bsz = 3;
    const x = tf.randomNormal([bsz, 4, inF], 0, 1, 'float32', 5);
    const shared = layer.forward(x);
    const aCopies = tf.tile(tf.expandDims(layer.loraA, 0), [bsz, 1, 1]);
    const bCopies = tf.tile(tf.expandDims(layer.loraB, 0), [bsz, 1, 1]);
    const perSample = withParamOverrides(new Map([[layer.loraA, aCopies], [layer.loraB, bCopies]]), () => layer.forward(x));
    expectAllClose(perSample.dataSync(), shared.dataSync(), 1e-5, 1e-6, 'per-sample forward');

    // d(Σ_i L_i)/d(copy_i) = dL_i/dθ: compare with one example at a time.
    const lossOf = (out: tf.Tensor) => tf.sum(tf.square(out));
    const g = tf.grads((ac: tf.Tensor, bc: tf.Tensor) => withParamOverrides(new Map([[layer.loraA, ac], [layer.loraB, bc]]), () => lossOf(layer.forward(x))))([aCopies, bCopies]);
    for (let i = 0; i < bsz; i++) {
      const xi = tf.slice(x, [i, 0, 0], [1, 4, inF]);
      const gi = tf.grads((av: tf.Tensor, bv: tf.Tensor) => withParamOverrides(new Map([[layer.loraA, av], [layer.loraB, bv]]), () => lossOf(layer.forward(xi))))([layer.loraA, layer.loraB]);
      expectAllClose(tf.slice(g[0], [i, 0, 0], [1, r, inF]).dataSync(), gi[0].dataSync(), 1e-4, 1e-5, `grad A sample ${i}`);
      expectAllClose(tf.slice(g[1], [i, 0, 0], [1, outF, r]).dataSync(), gi[1].dataSync(), 1e-4, 1e-5, `grad B sample ${i}`);
    }
    layer.dispose();
    base.dispose();
  });

  it('applies dropout to the adapter input only when training', () => {
    const base = randomLinear(rng, inF, outF);
    const a = kaimingUniform(rng, [r, inF], inF);
    const b = kaimingUniform(rng, [outF, r], r);
    const layer = new LoraLinear(base, a, b, { r, scaling: s, dropout: 0.5 });
    const x = tf.ones([4, inF]);
    const evalOut = layer.forward(x).dataSync();
    const seq = new Rng(3);
    const trainOut = layer.forward(x, { training: true, random: () => seq.next() }).dataSync();
    expect(Array.from(trainOut)).not.toEqual(Array.from(evalOut));
    layer.dispose();
    base.dispose();
  });
});
