/**
 * ModernBERT checkpoint names and shapes (transformers' ModernBertForSequenceClassification: `model.*`,
 * `head.*`, `classifier.*`) and assembly of the module tree from them.
 * @module
 */
import type * as tf from '@tensorflow/tfjs-core';
import { Linear } from '@fish-tuning/core';
import { Embedding, LayerNorm } from '../bert/primitives.js';
import type { ModernBertConfig } from './config.js';
import { ModernBertAttention, ModernBertEmbeddings, ModernBertEncoderLayer, ModernBertMLP, ModernBertPredictionHead } from './layers.js';
import { ModernBertModel } from './model.js';

/** Every tensor of `model.*` and `head.*` (without the `model.` prefix for the encoder) with its shape. */
export function modernBertTensorShapes(c: ModernBertConfig): { encoder: Map<string, number[]>; head: Map<string, number[]> } {
  const d = c.hidden_size;
  const encoder = new Map<string, number[]>();
  const linear = (m: Map<string, number[]>, name: string, out: number, inp: number, bias: boolean) => {
    m.set(`${name}.weight`, [out, inp]);
    if (bias) m.set(`${name}.bias`, [out]);
  };
  const norm = (m: Map<string, number[]>, name: string) => {
    m.set(`${name}.weight`, [d]);
    if (c.norm_bias) m.set(`${name}.bias`, [d]);
  };
  encoder.set('embeddings.tok_embeddings.weight', [c.vocab_size, d]);
  norm(encoder, 'embeddings.norm');
  for (let i = 0; i < c.num_hidden_layers; i++) {
    const p = `layers.${i}`;
    if (i > 0) norm(encoder, `${p}.attn_norm`);
    linear(encoder, `${p}.attn.Wqkv`, 3 * d, d, c.attention_bias);
    linear(encoder, `${p}.attn.Wo`, d, d, c.attention_bias);
    norm(encoder, `${p}.mlp_norm`);
    linear(encoder, `${p}.mlp.Wi`, 2 * c.intermediate_size, d, c.mlp_bias);
    linear(encoder, `${p}.mlp.Wo`, d, c.intermediate_size, c.mlp_bias);
  }
  norm(encoder, 'final_norm');
  const head = new Map<string, number[]>();
  linear(head, 'head.dense', d, d, c.classifier_bias);
  norm(head, 'head.norm');
  return { encoder, head };
}

/** Builds the encoder and head; `take(name)` hands over the tensor named as in modernBertTensorShapes. */
export function buildModernBert(c: ModernBertConfig, take: (name: string) => tf.Tensor): { model: ModernBertModel; head: ModernBertPredictionHead } {
  const linear = (name: string, bias: boolean) => Linear.fromWeight(take(`${name}.weight`) as tf.Tensor2D, bias ? (take(`${name}.bias`) as tf.Tensor1D) : null);
  const norm = (name: string) => new LayerNorm(take(`${name}.weight`) as tf.Tensor1D, c.norm_bias ? (take(`${name}.bias`) as tf.Tensor1D) : null, c.norm_eps);
  const embeddings = new ModernBertEmbeddings(new Embedding(take('embeddings.tok_embeddings.weight') as tf.Tensor2D), norm('embeddings.norm'));
  const layers: ModernBertEncoderLayer[] = [];
  for (let i = 0; i < c.num_hidden_layers; i++) {
    const p = `layers.${i}`;
    const attnNorm = i > 0 ? norm(`${p}.attn_norm`) : null;
    const attn = new ModernBertAttention(linear(`${p}.attn.Wqkv`, c.attention_bias), linear(`${p}.attn.Wo`, c.attention_bias), c.num_attention_heads);
    const mlpNorm = norm(`${p}.mlp_norm`);
    const mlp = new ModernBertMLP(linear(`${p}.mlp.Wi`, c.mlp_bias), linear(`${p}.mlp.Wo`, c.mlp_bias), c.hidden_activation);
    layers.push(new ModernBertEncoderLayer(attnNorm, attn, mlpNorm, mlp));
  }
  const model = new ModernBertModel(embeddings, layers, norm('final_norm'));
  const head = new ModernBertPredictionHead(linear('head.dense', c.classifier_bias), norm('head.norm'), c.classifier_activation);
  return { model, head };
}
