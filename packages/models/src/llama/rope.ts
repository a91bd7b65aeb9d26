/**
 * Rotary position embedding in Hugging Face's rotate-half layout: the head dimension is split in two
 * halves (x1, x2) and rotated as `x·cos + [-x2, x1]·sin`, with `cos`/`sin` of `position · inv_freq`
 * repeated over both halves (LlamaRotaryEmbedding + apply_rotary_pos_emb).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';

/** inv_freq[i] = 1 / theta^(2i / headDim), in float32 as HF computes it. */
export function inverseFrequencies(headDim: number, theta: number): Float32Array {
  const out = new Float32Array(headDim / 2);
  for (let i = 0; i < headDim / 2; i++) out[i] = 1 / Math.pow(theta, Math.fround((2 * i) / headDim));
  return out;
}

/** cos and sin tables [t, headDim] for positions start … start + t − 1. */
export function ropeTables(start: number, t: number, invFreq: Float32Array): { cos: tf.Tensor2D; sin: tf.Tensor2D } {
  return tf.tidy(() => {
    const positions = tf.add(tf.range(0, t, 1, 'float32'), start);
    const freqs = tf.mul(tf.reshape(positions, [t, 1]), tf.tensor2d(invFreq, [1, invFreq.length]));
    const emb = tf.concat([freqs, freqs], 1) as tf.Tensor2D;
    return { cos: tf.cos(emb), sin: tf.sin(emb) };
  });
}

/** x [b, heads, t, headDim] rotated by the tables [t, headDim]. */
export function applyRope(x: tf.Tensor, cos: tf.Tensor2D, sin: tf.Tensor2D): tf.Tensor {
  return tf.tidy(() => {
    const half = x.shape[x.rank - 1] / 2;
    const [x1, x2] = tf.split(x, [half, half], -1);
    const rotated = tf.concat([tf.neg(x2), x1], -1);
    return tf.add(tf.mul(x, cos), tf.mul(rotated, sin));
  });
}
