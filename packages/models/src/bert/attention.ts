/**
 * BERT self-attention (`attention.self` with `query`/`key`/`value`) and its output block
 * (`attention.output` with `dense`/`LayerNorm`). Dense sub-modules are `LinearLike` so PEFT can swap them.
 *
 * Why explicit transposes before every matMul: wasm runs transposed matMuls ~10× slower than plain ones.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { Module, dropout, type ForwardContext, type KeyValuePrefix, type LinearLike } from '@fish-tuning/core';
import type { LayerNorm } from './primitives.js';

export class BertSelfAttention extends Module {
  constructor(
    public query: LinearLike,
    public key: LinearLike,
    public value: LinearLike,
    readonly numHeads: number,
    readonly dropoutRate: number,
  ) {
    super();
  }

  /**
   * hidden [b, t, d]; `maskBias` [b, 1, 1, l + t] is 0 where a key is visible and very negative where it is
   * padding; `prefix` keys/values [b, heads, l, headDim] are put before the sequence's own → [b, t, d].
   */
  forward(hidden: tf.Tensor, maskBias: tf.Tensor, prefix: KeyValuePrefix | null, ctx?: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      const [b, t, d] = hidden.shape;
      const h = this.numHeads;
      const hd = d / h;
      const heads = (x: tf.Tensor) => tf.transpose(tf.reshape(x, [b, t, h, hd]), [0, 2, 1, 3]);
      // Scaling q (t·d entries) is cheaper than scaling the scores (t·T per head).
      const q = tf.mul(heads(this.query.forward(hidden, ctx)), 1 / Math.sqrt(hd));
      let k = heads(this.key.forward(hidden, ctx));
      let v = heads(this.value.forward(hidden, ctx));
      if (prefix) {
        k = tf.concat([prefix.key, k], 2);
        v = tf.concat([prefix.value, v], 2);
      }
      const scores = tf.add(tf.matMul(q, tf.transpose(k, [0, 1, 3, 2])), maskBias);
      const probs = dropout(tf.softmax(scores), this.dropoutRate, ctx);
      const context = tf.matMul(probs, v); // [b, h, t, hd]
      return tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [b, t, d]);
    });
  }
}

/** `dense` then dropout, residual and `LayerNorm` (HF BertSelfOutput; BertOutput has the same shape). */
export class BertResidualOutput extends Module {
  constructor(
    public dense: LinearLike,
    public LayerNorm: LayerNorm,
    readonly dropoutRate: number,
  ) {
    super();
  }

  forward(x: tf.Tensor, residual: tf.Tensor, ctx?: ForwardContext): tf.Tensor {
    return tf.tidy(() => this.LayerNorm.forward(tf.add(dropout(this.dense.forward(x, ctx), this.dropoutRate, ctx), residual)));
  }
}

export class BertAttention extends Module {
  constructor(
    public self: BertSelfAttention,
    public output: BertResidualOutput,
  ) {
    super();
  }

  forward(hidden: tf.Tensor, maskBias: tf.Tensor, prefix: KeyValuePrefix | null, ctx?: ForwardContext): tf.Tensor {
    return tf.tidy(() => this.output.forward(this.self.forward(hidden, maskBias, prefix, ctx), hidden, ctx));
  }
}
