/**
 * The additive attention mask of one forward call: prefix keys always visible, real keys visible when
 * causal (key index ≤ query index, counting cached tokens), not padding, and — with a sliding window w —
 * less than w positions back (transformers' `kv_idx > q_idx - sliding_window`).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';

/** Added to the scores of hidden keys; exp underflows to exactly 0 for any row with a visible key. */
export const MASKED = -1e9;

/**
 * [b, 1, 1, t, l + past + t] (the two 1s broadcast over kv heads and query groups), or null when every
 * key is visible (one new token, no padding, no window that bites).
 * @param attentionMask [b, past + t] with 1 for real tokens, or null for no padding.
 * @param window sliding window in positions, or null.
 */
export function attentionMaskFor(b: number, t: number, past: number, prefixLength: number, attentionMask: tf.Tensor | null, window: number | null = null): tf.Tensor | null {
  const s = past + t;
  const windowBites = window !== null && s > window;
  if (!attentionMask && t === 1 && !windowBites) return null;
  return tf.tidy(() => {
    const causal = new Float32Array(t * s);
    for (let i = 0; i < t; i++) {
      const q = past + i;
      const from = window === null ? 0 : Math.max(0, q - window + 1);
      for (let j = from; j <= q; j++) causal[i * s + j] = 1;
    }
    let visible: tf.Tensor = tf.tensor3d(causal, [1, t, s]);
    if (attentionMask) visible = tf.mul(visible, tf.reshape(tf.cast(attentionMask, 'float32'), [b, 1, s]));
    else visible = tf.tile(visible, [b, 1, 1]);
    let additive = tf.mul(tf.sub(1, visible), MASKED);
    if (prefixLength > 0) additive = tf.concat([tf.zeros([b, t, prefixLength]), additive], 2);
    return tf.reshape(additive, [b, 1, 1, t, prefixLength + s]);
  });
}
