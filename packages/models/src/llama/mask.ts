/**
 * The additive attention mask of one forward call: prefix keys visible, real keys visible when causal
 * (key index ≤ query index, counting cached tokens) and not padding, and — with a sliding window w —
 * every key less than w positions back only (transformers' `kv_idx > q_idx - sliding_window`).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';

/** Added to the scores of hidden keys; exp underflows to exactly 0 for any row with a visible key. */
export const MASKED = -1e9;

/**
 * [b, 1, 1, t, l + past + t] (the two 1s broadcast over kv heads and query groups), or null when every
 * key is visible (one new token, no padding, no window that bites).
 * Key k (prefix slots first, then cached and current tokens) is at absolute index k and query i at
 * l + past + i, as transformers numbers them when PEFT passes a prefix as past key/values: prefix keys
 * are visible unless the window has moved past them; real keys must also be causal and not padding.
 * @param attentionMask [b, past + t] with 1 for real tokens, or null for no padding.
 * @param window sliding window in positions, or null.
 */
export function attentionMaskFor(b: number, t: number, past: number, prefixLength: number, attentionMask: tf.Tensor | null, window: number | null = null): tf.Tensor | null {
  const s = past + t;
  const l = prefixLength;
  const windowBites = window !== null && l + s > window;
  if (!attentionMask && t === 1 && !windowBites) return null;
  return tf.tidy(() => {
    const keys = l + s;
    const allowed = new Float32Array(t * keys);
    for (let i = 0; i < t; i++) {
      const q = l + past + i;
      const from = window === null ? 0 : Math.max(0, q - window + 1);
      for (let k = from; k <= q; k++) allowed[i * keys + k] = 1;
    }
    let visible: tf.Tensor = tf.tensor3d(allowed, [1, t, keys]);
    if (attentionMask) {
      const real = tf.reshape(tf.cast(attentionMask, 'float32'), [b, 1, s]);
      const keyMask = l > 0 ? tf.concat([tf.ones([b, 1, l]), real], 2) : real;
      visible = tf.mul(visible, keyMask);
    } else visible = tf.tile(visible, [b, 1, 1]);
    return tf.reshape(tf.mul(tf.sub(1, visible), MASKED), [b, 1, 1, t, keys]);
  });
}
