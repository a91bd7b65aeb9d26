/**
 * Per-sample gradients, two ways.
 *
 * Vectorised: every parameter θ of shape S is replaced (core's withParamOverrides) by a per-sample
 * copy Θ of shape [b, ...S]. Sample i only reads Θ[i], so ∂(Σ_j L_j)/∂Θ[i] = ∂L_i/∂θ: one batched
 * backward pass gives all b gradients. Loop: one backward pass per sample, the reference.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { withParamOverrides } from '@fish-tuning/core';

/** Gradients of `f()` (a scalar) w.r.t. `xs`; an x that `f` never reads gets zeros instead of an error. */
function gradientsOrZeros(f: () => tf.Scalar, xs: tf.Tensor[]): tf.Tensor[] {
  const { value, grads } = tf.engine().gradients(f, xs, undefined, true);
  value.dispose();
  return grads.map((g, i) => g ?? tf.zerosLike(xs[i]));
}

/**
 * [b, ...S] gradients of each per-example loss w.r.t. each variable, from ONE backward pass.
 * `loss` must return [b] and read the variables through core's paramValue.
 */
export function perSampleGradients(vars: readonly tf.Variable[], batchSize: number, loss: () => tf.Tensor1D): tf.Tensor[] {
  return tf.tidy(() => {
    const views = vars.map((v) => tf.tile(tf.expandDims(v, 0), [batchSize, ...v.shape.map(() => 1)]));
    const table = new Map<tf.Variable, tf.Tensor>(vars.map((v, i) => [v, views[i]]));
    return gradientsOrZeros(() => withParamOverrides(table, () => tf.sum(loss()) as tf.Scalar), views);
  });
}

/** Gradients of Σ loss w.r.t. the variables themselves (no overrides): the loop's building block. */
export function batchGradients(vars: readonly tf.Variable[], loss: () => tf.Tensor1D): tf.Tensor[] {
  return tf.tidy(() => gradientsOrZeros(() => tf.sum(loss()) as tf.Scalar, [...vars]));
}

/**
 * For per-sample gradients g [b, ...S] (one per variable): [numVars, b] whose entry is NaN where that
 * sample's gradient of that variable holds a NaN or ±Inf, 0 elsewhere (x·0 keeps exactly those).
 */
export function nonFiniteTable(grads: readonly tf.Tensor[]): tf.Tensor2D {
  return tf.tidy(() =>
    tf.stack(
      grads.map((g) => {
        const flat = tf.reshape(g, [g.shape[0], -1]);
        return tf.sum(tf.mul(flat, 0), 1);
      }),
    ) as tf.Tensor2D,
  );
}

/** Σ_i w_i g_i² over the leading (sample) axis of g [b, ...S]; w [b] or null (= 1). */
export function weightedSquareSum(g: tf.Tensor, weights: tf.Tensor1D | null): tf.Tensor {
  return tf.tidy(() => {
    const sq = tf.square(g);
    if (!weights) return tf.sum(sq, 0);
    const w = tf.reshape(weights, [weights.shape[0], ...new Array(g.rank - 1).fill(1)]);
    return tf.sum(tf.mul(sq, w), 0);
  });
}
