/**
 * Grouped-query self-attention with RoPE, an optional attention prefix and an optional KV cache:
 * `LlamaAttention` (separate q/k/v/o projections: llama, qwen2 — with q/k/v biases inside the Linear) and
 * `Phi3Attention` (one fused `qkv_proj` whose output rows are [q; k; v], as transformers splits it).
 * Query heads are grouped per kv head by a reshape ([b, kvHeads, rep·t, headDim]), so keys and values
 * are never repeated; all products are plain batched matMuls.
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { Module, type ForwardContext, type KeyValuePrefix, type LinearLike } from '@fish-tuning/core';
import { applyRope } from './rope.js';
import type { LlamaKvCache } from './kv-cache.js';

export interface AttentionInputs {
  /** RoPE tables [t, rotaryDim] (rotaryDim ≤ headDim: partial rotary passes the rest through). */
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

/** What a decoder layer calls; both attention layouts implement it. */
export interface DecoderAttention extends Module {
  forward(x: tf.Tensor, a: AttentionInputs): tf.Tensor;
}

export interface HeadLayout {
  numHeads: number;
  numKvHeads: number;
  headDim: number;
}

/** Attention over projected q [b, t, nh·hd], k and v [b, t, kvh·hd] → merged heads [b, t, nh·hd]. */
export function attend(qFlat: tf.Tensor, kFlat: tf.Tensor, vFlat: tf.Tensor, heads: HeadLayout, a: AttentionInputs): tf.Tensor {
  return tf.tidy(() => {
    const [b, t] = qFlat.shape;
    const { numHeads: nh, numKvHeads: kvh, headDim: hd } = heads;
    const split = (y: tf.Tensor, n: number) => tf.transpose(tf.reshape(y, [b, t, n, hd]), [0, 2, 1, 3]);
    const q = applyRope(split(qFlat, nh), a.cos, a.sin);
    let k = applyRope(split(kFlat, kvh), a.cos, a.sin);
    let v = split(vFlat, kvh);
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
    return tf.reshape(tf.transpose(out, [0, 2, 1, 3]), [b, t, nh * hd]);
  });
}

export class LlamaAttention extends Module implements DecoderAttention {
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
      const merged = attend(this.q_proj.forward(x, a.ctx), this.k_proj.forward(x, a.ctx), this.v_proj.forward(x, a.ctx), this, a);
      return this.o_proj.forward(merged, a.ctx);
    });
  }
}

/** Phi-3's attention: `qkv_proj` output split as [q (nh·hd) | k (kvh·hd) | v (kvh·hd)]. */
export class Phi3Attention extends Module implements DecoderAttention {
  constructor(
    public qkv_proj: LinearLike,
    public o_proj: LinearLike,
    readonly numHeads: number,
    readonly numKvHeads: number,
    readonly headDim: number,
  ) {
    super();
  }

  forward(x: tf.Tensor, a: AttentionInputs): tf.Tensor {
    return tf.tidy(() => {
      const q = this.numHeads * this.headDim;
      const kv = this.numKvHeads * this.headDim;
      const [qf, kf, vf] = tf.split(this.qkv_proj.forward(x, a.ctx), [q, kv, kv], -1);
      return this.o_proj.forward(attend(qf, kf, vf, this, a), a.ctx);
    });
  }
}
