/**
 * Grouped-query self-attention (LlamaAttention) with RoPE, an optional attention prefix and an
 * optional KV cache. Query heads are grouped per kv head by a reshape ([b, kvHeads, rep·t, headDim]),
 * so keys and values are never repeated; all products are plain batched matMuls.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { Module, type ForwardContext, type KeyValuePrefix, type LinearLike } from '@fish-tuning/core';
import { applyRope } from './rope.js';
import type { LlamaKvCache } from './kv-cache.js';

export interface AttentionInputs {
  cos: tf.Tensor2D;
  sin: tf.Tensor2D;
  /** Additive mask [b, 1, 1, t, S] over [prefix; cached; current] keys, or null when all are visible. */
  mask: tf.Tensor | null;
  /** Prefix keys/values [b, kvHeads, l, headDim] (not rotated), or null. */
  prefix: KeyValuePrefix | null;
  cache: LlamaKvCache | null;
  layerIndex: number;
  ctx?: ForwardContext;
}

export class LlamaAttention extends Module {
  constructor(
    public q_proj: LinearLike,
    public k_proj: LinearLike,
    public v_proj: LinearLike,
    public o_proj: LinearLike,
    readonly numHeads: number,
    readonly numKvHeads: number,
    readonly headDim: number,
  ) {
    super();
  }

  /** x [b, t, hidden] → [b, t, hidden]. */
  forward(x: tf.Tensor, a: AttentionInputs): tf.Tensor {
    return tf.tidy(() => {
      const [b, t] = x.shape;
      const { numHeads: nh, numKvHeads: kvh, headDim: hd } = this;
      const heads = (y: tf.Tensor, n: number) => tf.transpose(tf.reshape(y, [b, t, n, hd]), [0, 2, 1, 3]);
      const q = applyRope(heads(this.q_proj.forward(x, a.ctx), nh), a.cos, a.sin);
      let k = applyRope(heads(this.k_proj.forward(x, a.ctx), kvh), a.cos, a.sin);
      let v = heads(this.v_proj.forward(x, a.ctx), kvh);
      if (a.cache) {
        const pastK = a.cache.keys[a.layerIndex];
        const pastV = a.cache.values[a.layerIndex];
        if (pastK && pastV) {
          k = tf.concat([pastK, k], 2);
          v = tf.concat([pastV, v], 2);
        }
        a.cache.set(a.layerIndex, k, v);
      }
      if (a.prefix) {
        k = tf.concat([a.prefix.key, k], 2);
        v = tf.concat([a.prefix.value, v], 2);
      }
      const s = k.shape[2] as number;
      const rep = nh / kvh;
      const qg = tf.reshape(q, [b, kvh, rep * t, hd]);
      let scores = tf.mul(tf.matMul(qg, tf.transpose(k, [0, 1, 3, 2])), 1 / Math.sqrt(hd));
      if (a.mask) scores = tf.add(tf.reshape(scores, [b, kvh, rep, t, s]), a.mask);
      const probs = tf.reshape(tf.softmax(scores, -1), [b, kvh, rep * t, s]);
      const out = tf.reshape(tf.matMul(probs, v), [b, nh, t, hd]);
      const merged = tf.reshape(tf.transpose(out, [0, 2, 1, 3]), [b, t, nh * hd]);
      return this.o_proj.forward(merged, a.ctx);
    });
  }
}
