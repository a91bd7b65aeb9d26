/**
 * Per-sample parameter views. To get every sample's gradient from one batched backward pass, a PEFT
 * parameter θ of shape S is replaced, for the length of one call, by a tensor of shape [b, ...S] (one
 * copy per sample). Sample i only touches copy i, so d(Σ_i L_i)/d(copy_i) = dL_i/dθ exactly.
 *
 * PEFT layers read their parameters through {@link paramValue} and must accept either shape; the math
 * helpers in `linear-algebra.ts` handle both. Outside {@link withParamOverrides} nothing changes.
 * The override table is scoped (set and restored around one synchronous call), like tf.tidy's scope.
 * @module
 */
import type * as tf from '@tensorflow/tfjs-core';

let overrides: Map<tf.Variable, tf.Tensor> | null = null;

/** The value a layer should compute with: the per-sample override of `v` if one is active, else `v`. */
export function paramValue(v: tf.Variable): tf.Tensor {
  return overrides?.get(v) ?? v;
}

/** True when `value` (from paramValue) is a per-sample [b, ...] view of `v`. */
export function isPerSample(v: tf.Variable, value: tf.Tensor): boolean {
  return value !== v && value.rank === v.rank + 1;
}

/** Runs `fn` with `table` as the active overrides (synchronous only), then restores the previous table. */
export function withParamOverrides<T>(table: Map<tf.Variable, tf.Tensor>, fn: () => T): T {
  const previous = overrides;
  overrides = table;
  try {
    return fn();
  } finally {
    overrides = previous;
  }
}
