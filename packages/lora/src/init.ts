/**
 * LoRA initialisations, all drawn from a seeded core `Rng` so that a run is reproducible:
 * - `true` (PEFT default): A ~ kaiming_uniform(a=√5) = U(±1/√in), B = 0 — the model is unchanged at init.
 * - `'gaussian'`: A ~ N(0, 1/r²) (PEFT's std = 1/r), B = 0.
 * - `false`: A and B both random (PEFT leaves nn.Linear's default init): only for tests.
 * - `'pissa'`: A, B from the top-r SVD of W, and W replaced by the residual W − s·B·A (pissa.ts).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@fish-tuning/core';

/** U(−bound, bound) with bound = gain·√(3/fan_in), gain = √(2/(1+a²)), a = √5 → bound = 1/√fan_in (torch's kaiming_uniform_). */
export function kaimingUniform(rng: Rng, shape: [number, number], fanIn: number): tf.Tensor2D {
  const bound = 1 / Math.sqrt(fanIn);
  const data = new Float32Array(shape[0] * shape[1]);
  for (let i = 0; i < data.length; i++) data[i] = (2 * rng.next() - 1) * bound;
  return tf.tensor2d(data, shape);
}

export function gaussian(rng: Rng, shape: [number, number], std: number): tf.Tensor2D {
  const data = new Float32Array(shape[0] * shape[1]);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal() * std;
  return tf.tensor2d(data, shape);
}

/** A [r, in] and B [out, r] for the non-SVD inits. */
export function initLoraPair(init: boolean | 'gaussian', rng: Rng, r: number, inFeatures: number, outFeatures: number): { a: tf.Tensor2D; b: tf.Tensor2D } {
  const a = init === 'gaussian' ? gaussian(rng, [r, inFeatures], 1 / r) : kaimingUniform(rng, [r, inFeatures], inFeatures);
  const b = init === false ? kaimingUniform(rng, [outFeatures, r], r) : tf.zeros([outFeatures, r]) as tf.Tensor2D;
  return { a, b };
}
