/**
 * One pre-norm decoder block (LlamaDecoderLayer, also Qwen2's and Phi-3's): x + attn(norm(x)), then + mlp(norm(x)).
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import { Module } from '@fish-tuning/core';
import type { AttentionInputs, DecoderAttention } from './attention.js';
import type { DecoderMLP } from './mlp.js';
import type { LlamaRMSNorm } from './rms-norm.js';

export class LlamaDecoderLayer extends Module {
  constructor(
    public self_attn: DecoderAttention,
    public mlp: DecoderMLP,
    public input_layernorm: LlamaRMSNorm,
    public post_attention_layernorm: LlamaRMSNorm,
  ) {
    super();
  }

  forward(x: tf.Tensor, a: AttentionInputs): tf.Tensor {
    return tf.tidy(() => {
      const h = tf.add(x, this.self_attn.forward(this.input_layernorm.forward(x), a));
      return tf.add(h, this.mlp.forward(this.post_attention_layernorm.forward(h), a.ctx));
    });
  }
}
