/**
 * Key/value cache for incremental decoding: per layer the rotated keys and the values of every real
 * token seen so far [b, kvHeads, s, headDim], plus the layer's attention prefix (fixed at the first
 * call, as Hugging Face's past_key_values would hold it).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';

export class LlamaKvCache {
  readonly keys: Array<tf.Tensor | null>;
  readonly values: Array<tf.Tensor | null>;
  readonly prefixKeys: Array<tf.Tensor | null>;
  readonly prefixValues: Array<tf.Tensor | null>;
  /** Number of real tokens cached. */
  length = 0;
  /** Attention-prefix length fixed at the first call (0 without a prefix). */
  prefixLength = 0;

  constructor(readonly numLayers: number) {
    this.keys = new Array(numLayers).fill(null);
    this.values = new Array(numLayers).fill(null);
    this.prefixKeys = new Array(numLayers).fill(null);
    this.prefixValues = new Array(numLayers).fill(null);
  }

  /** Replaces layer `i`'s keys/values by new (kept) tensors, freeing the old ones. */
  set(i: number, key: tf.Tensor, value: tf.Tensor): void {
    this.keys[i]?.dispose();
    this.values[i]?.dispose();
    this.keys[i] = tf.keep(key);
    this.values[i] = tf.keep(value);
  }

  setPrefix(i: number, key: tf.Tensor, value: tf.Tensor): void {
    // Clones share storage with the source but can be disposed without touching the prefix's own tensors.
    this.prefixKeys[i] = tf.keep(tf.clone(key));
    this.prefixValues[i] = tf.keep(tf.clone(value));
  }

  dispose(): void {
    for (const list of [this.keys, this.values, this.prefixKeys, this.prefixValues]) {
      list.forEach((t, i) => {
        t?.dispose();
        list[i] = null;
      });
    }
    this.length = 0;
    this.prefixLength = 0;
  }
}
