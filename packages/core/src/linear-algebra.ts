/**
 * Matrix products that are fast on every backend and that accept per-sample parameters.
 *
 * Why explicit transposes: on the wasm backend a plain 2-D matMul runs at ~16 GFLOP/s while the same
 * product with transposeB runs at ~1.5, so weights are stored or transposed into [in, out] first.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';

/** x [..., in] times a stored kernel [in, out] → [..., out], through one 2-D matMul. */
export function matmulKernel(x: tf.Tensor, kernel: tf.Tensor2D): tf.Tensor {
  return tf.tidy(() => {
    const inDim = x.shape[x.rank - 1];
    const flat = tf.reshape(x, [-1, inDim]) as tf.Tensor2D;
    const y = tf.matMul(flat, kernel);
    return tf.reshape(y, [...x.shape.slice(0, -1), kernel.shape[1]]);
  });
}

/**
 * x [b, ..., in] times the transpose of a weight in PyTorch layout: w [out, in] shared by the batch, or
 * w [b, out, in] one per sample (a per-sample view, see per-sample.ts) → [b, ..., out].
 */
export function matmulWeight(x: tf.Tensor, w: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    if (w.rank === 2) return matmulKernel(x, tf.transpose(w) as tf.Tensor2D);
    const b = x.shape[0];
    const inDim = x.shape[x.rank - 1];
    const x3 = tf.reshape(x, [b, -1, inDim]);
    const y = tf.matMul(x3, tf.transpose(w, [0, 2, 1]));
    return tf.reshape(y, [...x.shape.slice(0, -1), w.shape[1] as number]);
  });
}

/**
 * Broadcasts a per-feature vector over x [b, ..., d]: v [d] shared, or v [b, d] per sample
 * (reshaped to [b, 1, …, 1, d]) — the shape rule every scaling method ((IA)^3, DoRA, gates) needs.
 */
export function perSampleBroadcast(v: tf.Tensor, x: tf.Tensor): tf.Tensor {
  if (v.rank <= 1) return v;
  const ones = new Array(x.rank - 2).fill(1);
  return tf.reshape(v, [v.shape[0], ...ones, v.shape[v.rank - 1]]);
}
