/**
 * PiSSA (Meng et al. 2024) as PEFT's `pissa_init`: with W = U S Vᵀ (top r),
 *   A = diag(√(S_r / s)) V_rᵀ  [r, in],   B = U_r diag(√(S_r / s))  [out, r],   W_res = W − s·B·A,
 * so that W_res x + s·B A x = W x: the model's output is unchanged at init. The residual is computed
 * from the float32-rounded A and B (as PEFT does), so the cancellation is exact up to float32 rounding.
 *
 * W_res depends only on W (U_r S_r V_rᵀ is sign-free for distinct singular values), which is how a saved
 * PiSSA adapter is loaded onto the original base model: the residual is recomputed (see adapter.ts).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { truncatedSvd } from './svd.js';

export interface PissaInit {
  a: tf.Tensor2D;
  b: tf.Tensor2D;
  /** The residual base weight [out, in]. */
  residual: tf.Tensor2D;
}

/** PiSSA factors and residual from a weight given as row-major [out, in] data. */
export function pissaInit(weight: Float32Array, outFeatures: number, inFeatures: number, r: number, scaling: number): PissaInit {
  const { u, s, vt } = truncatedSvd(weight, outFeatures, inFeatures, r);
  const root = Array.from(s, (v) => Math.sqrt(v / scaling));
  const a = new Float32Array(r * inFeatures);
  for (let k = 0; k < r; k++) for (let j = 0; j < inFeatures; j++) a[k * inFeatures + j] = root[k] * vt[k * inFeatures + j];
  const b = new Float32Array(outFeatures * r);
  for (let i = 0; i < outFeatures; i++) for (let k = 0; k < r; k++) b[i * r + k] = u[i * r + k] * root[k];
  const residual = new Float32Array(outFeatures * inFeatures);
  for (let i = 0; i < outFeatures; i++) {
    for (let j = 0; j < inFeatures; j++) {
      let ba = 0;
      for (let k = 0; k < r; k++) ba += b[i * r + k] * a[k * inFeatures + j];
      residual[i * inFeatures + j] = weight[i * inFeatures + j] - scaling * ba;
    }
  }
  return {
    a: tf.tensor2d(a, [r, inFeatures]),
    b: tf.tensor2d(b, [outFeatures, r]),
    residual: tf.tensor2d(residual, [outFeatures, inFeatures]),
  };
}
