/**
 * ModernBERT's modules with transformers' names: `embeddings { tok_embeddings, norm }`, per layer
 * `attn_norm` (absent in layer 0, as transformers' Identity), `attn { Wqkv, Wo }`, `mlp_norm`,
 * `mlp { Wi, Wo }` (GeGLU: Wi's output is [input | gate]), and `final_norm`. Dense modules are LinearLike
 * so PEFT can wrap them; Wqkv is the fused [q | k | v] projection (PEFT targets it whole).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { Module, type ForwardContext, type KeyValuePrefix, type LinearLike } from '@fish-tuning/core';
import { Embedding, LayerNorm, activation } from '../bert/primitives.js';
import type { BertActivation } from '../bert/config.js';
import { applyRope } from '../llama/rope.js';

export class ModernBertEmbeddings extends Module {
  constructor(
    public tok_embeddings: Embedding,
    public norm: LayerNorm,
  ) {
    super();
  }

  forward(ids: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.norm.forward(this.tok_embeddings.forward(tf.cast(ids, 'int32'))));
  }
}

export interface ModernBertAttentionInputs {
  cos: tf.Tensor2D;
  sin: tf.Tensor2D;
  /** Additive mask [b, 1, t, l + t]: padding keys (and, in local layers, keys outside the window) hidden. */
  mask: tf.Tensor;
  /** Prefix keys/values [b, heads, l, headDim] (not rotated, always visible), or null. */
  prefix: KeyValuePrefix | null;
  ctx?: ForwardContext;
}

export class ModernBertAttention extends Module {
  constructor(
    public Wqkv: LinearLike,
    public Wo: LinearLike,
    readonly numHeads: number,
  ) {
    super();
  }

  forward(x: tf.Tensor, a: ModernBertAttentionInputs): tf.Tensor {
    return tf.tidy(() => {
      const [b, t, d] = x.shape;
      const nh = this.numHeads;
      const hd = d / nh;
      // transformers views the output as [b, t, 3, heads, headDim]: q, k, v blocks, each head-major.
      const [qf, kf, vf] = tf.split(this.Wqkv.forward(x, a.ctx), 3, -1);
      const heads = (y: tf.Tensor) => tf.transpose(tf.reshape(y, [b, t, nh, hd]), [0, 2, 1, 3]);
      const q = tf.mul(applyRope(heads(qf), a.cos, a.sin), 1 / Math.sqrt(hd));
      let k = applyRope(heads(kf), a.cos, a.sin);
      let v = heads(vf);
      if (a.prefix) {
        k = tf.concat([a.prefix.key, k], 2);
        v = tf.concat([a.prefix.value, v], 2);
      }
      const scores = tf.add(tf.matMul(q, tf.transpose(k, [0, 1, 3, 2])), a.mask);
      const context = tf.matMul(tf.softmax(scores, -1), v);
      return this.Wo.forward(tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [b, t, d]), a.ctx);
    });
  }
}

export class ModernBertMLP extends Module {
  constructor(
    public Wi: LinearLike,
    public Wo: LinearLike,
    readonly act: BertActivation,
  ) {
    super();
  }

  forward(x: tf.Tensor, ctx?: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      const [input, gate] = tf.split(this.Wi.forward(x, ctx), 2, -1);
      return this.Wo.forward(tf.mul(activation(this.act, input), gate), ctx);
    });
  }
}

export class ModernBertEncoderLayer extends Module {
  constructor(
    /** null in layer 0 (transformers uses an Identity there). */
    public attn_norm: LayerNorm | null,
    public attn: ModernBertAttention,
    public mlp_norm: LayerNorm,
    public mlp: ModernBertMLP,
  ) {
    super();
  }

  forward(x: tf.Tensor, a: ModernBertAttentionInputs): tf.Tensor {
    return tf.tidy(() => {
      const h = tf.add(x, this.attn.forward(this.attn_norm ? this.attn_norm.forward(x) : x, a));
      return tf.add(h, this.mlp.forward(this.mlp_norm.forward(h), a.ctx));
    });
  }
}

/** `head`: dense → activation → norm on the pooled vector (ModernBertPredictionHead). */
export class ModernBertPredictionHead extends Module {
  constructor(
    public dense: LinearLike,
    public norm: LayerNorm,
    readonly act: BertActivation,
  ) {
    super();
  }

  forward(x: tf.Tensor, ctx?: ForwardContext): tf.Tensor {
    return tf.tidy(() => this.norm.forward(activation(this.act, this.dense.forward(x, ctx))));
  }
}
