/**
 * One optimizer step's gradient: the mean per-example loss over a logical batch, accumulated over
 * micro-batches (each contributes Σ L_i / B, so the sum is the batch mean whatever the split), plus the
 * masked global norm for clipping and a finiteness check that names the culprit tensor.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import type { MaskedParameter } from './masked-parameter.js';

/** Adds `grads` (keyed by tf variable name) into `acc` (keyed by parameter name), disposing what it replaces. */
export function accumulate(acc: Map<string, tf.Tensor>, grads: tf.NamedTensorMap, nameOf: ReadonlyMap<string, string>): void {
  for (const [tfName, g] of Object.entries(grads)) {
    const name = nameOf.get(tfName);
    if (name === undefined) {
      g.dispose();
      continue;
    }
    const prev = acc.get(name);
    if (prev) {
      acc.set(name, tf.add(prev, g));
      prev.dispose();
      g.dispose();
    } else acc.set(name, g);
  }
}

/** Squared global L2 norm of the gradients as the optimizer will see them (masked entries excluded). Scalar. */
export function maskedNormSquared(grads: ReadonlyMap<string, tf.Tensor>, params: readonly MaskedParameter[]): tf.Scalar {
  return tf.tidy(() => {
    let total: tf.Tensor = tf.scalar(0);
    for (const p of params) {
      const g = grads.get(p.name);
      // A tensor with no selected entry adds nothing; skipping it also avoids empty tensors, which WebGPU's
      // reductions cannot upload.
      if (!g || p.k === 0) continue;
      const masked = p.mask ? tf.mul(g, p.mask) : p.indices ? tf.gather(tf.reshape(g, [-1]), p.indices) : g;
      total = tf.add(total, tf.sum(tf.square(masked)));
    }
    return total as tf.Scalar;
  });
}

/** The first gradient (in parameter order) holding NaN or ±Inf, or null. Only called once a norm is non-finite. */
export function firstNonFinite(grads: ReadonlyMap<string, tf.Tensor>): string | null {
  for (const [name, g] of grads) {
    const bad = tf.tidy(() => tf.logicalNot(tf.all(tf.isFinite(g))).dataSync()[0]);
    if (bad) return name;
  }
  return null;
}

/** PyTorch's clip_grad_norm_ coefficient: min(1, maxNorm / (norm + 1e-6)); 1 when maxNorm is null. */
export function clipScale(norm: number, maxNorm: number | null | undefined): number {
  if (maxNorm == null || !(maxNorm > 0)) return 1;
  const coef = maxNorm / (norm + 1e-6);
  return coef < 1 ? coef : 1;
}
